import { AuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { NotAllowedError } from '@backstage/errors';
import {
  notificationBroadcastPermission,
  notificationSendPermission,
  notificationSeverities,
} from '@herald/plugin-notifications-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { NotificationSender } from '../send/NotificationSender';
import { sanitizeError } from '../service/sanitizeErrors';
import { assertStorableInput, parseSendBody } from '../service/validation';

/**
 * Registers `notifications:send`, which lets an agent or a plugin send a
 * notification with the body of `POST /api/notifications`, as the calling
 * principal.
 *
 * Service principals are allowed as on the REST route (unless their token's
 * access restrictions say otherwise). A user needs `notification.send`, and
 * `notification.broadcast` too for a broadcast; with the permission framework
 * off there is no policy to grant that, so users are refused rather than
 * everyone being allowed to notify everyone.
 */
export function registerSendNotificationAction(options: {
  actionsRegistry: ActionsRegistryService;
  sender: NotificationSender;
  auth: AuthService;
  permissions: PermissionsService;
  permissionFrameworkEnabled: boolean;
}) {
  const {
    actionsRegistry,
    sender,
    auth,
    permissions,
    permissionFrameworkEnabled,
  } = options;
  actionsRegistry.register({
    name: 'send',
    title: 'Send Notification',
    description:
      'Sends a notification to users, groups (their members) or the owners of entities, or to everyone as a broadcast. A later send with the same scope updates the notification instead of adding one. Returns the stored notifications.',
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: z =>
        z.object({
          recipients: z
            .discriminatedUnion('type', [
              z.object({
                type: z.literal('entity'),
                entityRef: z
                  .union([z.string(), z.array(z.string())])
                  .describe('User, group or other entity refs to notify'),
                excludeEntityRef: z
                  .union([z.string(), z.array(z.string())])
                  .optional()
                  .describe('Entity refs never to notify'),
              }),
              z.object({ type: z.literal('broadcast') }),
            ])
            .describe('Who receives the notification'),
          payload: z.object({
            title: z.string().describe('Short summary'),
            description: z.string().optional(),
            link: z
              .string()
              .optional()
              .describe('Absolute URL, or a path inside the app'),
            severity: z.enum(notificationSeverities).optional(),
            topic: z
              .string()
              .optional()
              .describe('Topic users can mute in their settings'),
            scope: z
              .string()
              .optional()
              .describe('A later send with the same scope updates this one'),
            icon: z.string().optional(),
            metadata: z.record(z.string(), z.any()).optional(),
          }),
        }),
      output: z =>
        z.object({
          notifications: z.array(z.object({}).passthrough()),
        }),
    },
    action: async ({ input, credentials, logger }) => {
      assertStorableInput(input, 'input');
      const sendOptions = parseSendBody(input);
      let origin: string;
      if (auth.isPrincipal(credentials, 'service')) {
        origin = credentials.principal.subject;
      } else if (auth.isPrincipal(credentials, 'user')) {
        if (!permissionFrameworkEnabled) {
          throw new NotAllowedError(
            'Users may send notifications only when the permission framework is enabled and grants notification.send',
          );
        }
        origin = credentials.principal.userEntityRef;
      } else {
        throw new NotAllowedError('This action requires a user or service');
      }
      const required = [notificationSendPermission];
      if (sendOptions.recipients.type === 'broadcast') {
        required.push(notificationBroadcastPermission);
      }
      const decisions = await permissions.authorize(
        required.map(permission => ({ permission })),
        { credentials },
      );
      const denied = required.filter(
        (_, i) => decisions[i].result !== AuthorizeResult.ALLOW,
      );
      if (denied.length > 0) {
        throw new NotAllowedError(
          `Not allowed to send this notification: missing permission ${denied
            .map(permission => permission.name)
            .join(' and ')}`,
        );
      }
      try {
        const sent = await sender.send({ origin, options: sendOptions });
        return { output: { notifications: sent } };
      } catch (error) {
        throw sanitizeError(error, logger, 'notifications:send');
      }
    },
  });
}
