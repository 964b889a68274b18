/**
 * Sends Herald notifications to admin-configured endpoints as signed
 * Standard Webhooks, with a delivery log operators can inspect and
 * re-deliver from.
 *
 * @packageDocumentation
 */
export {
  notificationsModuleWebhooks as default,
  notificationsModuleWebhooks,
} from './module';
