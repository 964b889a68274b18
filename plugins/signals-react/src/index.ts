/**
 * React API and hooks for Herald signals.
 *
 * @packageDocumentation
 */
export * from './api';
export * from './hooks';
