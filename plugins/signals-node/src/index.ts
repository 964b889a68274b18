/**
 * Node library for publishing Herald signals.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './service';
export * from './recipientMessage';
export * from './perRecipientSupport';
