/**
 * Posts Herald notifications to Microsoft Teams channels as Adaptive Cards
 * through Power Automate Workflows webhooks.
 *
 * @packageDocumentation
 */
export {
  notificationsModuleMsTeams as default,
  notificationsModuleMsTeams,
} from './module';
