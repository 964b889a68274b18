/**
 * Node library for sending Herald notifications and extending delivery with
 * processors.
 *
 * @packageDocumentation
 */
export * from './service';
export * from './processor';
export * from './extensions';
export * from './ExtensionSlot';
export * from './channelModule';
export * from './link';
export * from './outboundLink';
export * from './retryAfter';
export * from './deferral';
export * from './DeliveryTargetsError';
export * from './deliveryLog';
export * from './deliveryTable';
export * from './moduleDatabase';
export * from './moduleRouteErrors';
export * from './openApi';
export * from './moduleOpenApi';
export * from './duration';
export * from './CatalogRecipientResolver';
export type {
  NotificationProcessorFilters,
  NotificationRecipients,
  NotificationSendOptions,
} from '@herald/plugin-notifications-common';
