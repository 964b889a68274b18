/**
 * Posts Herald notifications to Slack through the Web API: direct messages,
 * group channels and broadcast channels, delivered from the outbox.
 *
 * @packageDocumentation
 */
export {
  notificationsModuleSlack as default,
  notificationsModuleSlack,
} from './module';
export * from './extensions';
export { ANNOTATION_SLACK_BOT_NOTIFY } from './constants';
