/**
 * Example notification processor: decorates notifications of the example
 * todo plugin with an icon and forwards every notification to a webhook.
 *
 * @packageDocumentation
 */
export { notificationsModuleExampleWebhook as default } from './module';
export { ExampleWebhookProcessor } from './ExampleWebhookProcessor';
