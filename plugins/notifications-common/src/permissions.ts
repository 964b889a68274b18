import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Sending a notification to entity recipients (users, groups, owned entities)
 * through the `notifications:send` action.
 *
 * @public
 */
export const notificationSendPermission = createPermission({
  name: 'notification.send',
  attributes: { action: 'create' },
});

/**
 * Sending a notification to every user. A broadcast needs this permission in
 * addition to {@link notificationSendPermission}.
 *
 * @public
 */
export const notificationBroadcastPermission = createPermission({
  name: 'notification.broadcast',
  attributes: { action: 'create' },
});

/**
 * Every permission of the notifications plugin, for the permissions
 * registry and for policies that list them.
 *
 * @public
 */
export const notificationPermissions = [
  notificationSendPermission,
  notificationBroadcastPermission,
];
