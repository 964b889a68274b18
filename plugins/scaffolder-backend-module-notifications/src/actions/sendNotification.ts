import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { NotificationService } from '@herald/plugin-notifications-node';
import {
  NotificationRecipients,
  notificationSeverities,
} from '@herald/plugin-notifications-common';

/**
 * `notification:send`: sends a notification from a template step. The send
 * runs inside a task checkpoint, so a task that is retried after the send
 * succeeded does not notify twice.
 *
 * @public
 */
export function createSendNotificationAction(options: {
  notifications: NotificationService;
}) {
  const { notifications } = options;
  return createTemplateAction({
    id: 'notification:send',
    description: 'Sends a notification to users, groups or everyone',
    examples: [
      {
        description: 'Tell the owning team that their service was created',
        example: [
          'steps:',
          '  - id: notify',
          '    action: notification:send',
          '    input:',
          '      recipients: entity',
          '      entityRefs: [group:default/team-a]',
          '      title: New service created',
          '      info: Your new service is ready',
          '      link: /catalog/default/component/my-service',
          '      severity: normal',
        ].join('\n'),
      },
    ],
    schema: {
      input: {
        recipients: z =>
          z
            .enum(['broadcast', 'entity'])
            .describe(
              '`broadcast` for everyone, `entity` for the listed entities',
            ),
        entityRefs: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              'Entities to notify: users, groups (with their members) or owned entities',
            ),
        title: z => z.string().describe('Notification title'),
        info: z => z.string().optional().describe('Notification description'),
        link: z => z.string().optional().describe('Link to open'),
        severity: z =>
          z
            .enum(notificationSeverities)
            .optional()
            .describe('Notification severity'),
        scope: z =>
          z
            .string()
            .optional()
            .describe(
              'Re-sending with the same scope updates the notification',
            ),
        topic: z => z.string().optional().describe('Notification topic'),
        optional: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Log instead of failing the step when the notification cannot be sent',
            ),
      },
    },
    async handler(ctx) {
      const {
        recipients,
        entityRefs,
        title,
        info,
        link,
        severity,
        scope,
        topic,
      } = ctx.input;

      const fail = (message: string, cause?: unknown) => {
        if (ctx.input.optional) {
          ctx.logger.error(`${message}${cause ? `: ${cause}` : ''}`);
          return;
        }
        throw cause instanceof Error ? cause : new Error(message);
      };

      let target: NotificationRecipients;
      if (recipients === 'entity') {
        if (!entityRefs || entityRefs.length === 0) {
          fail('Entity references must be provided');
          return;
        }
        target = { type: 'entity', entityRef: entityRefs };
      } else {
        target = { type: 'broadcast' };
      }

      try {
        await ctx.checkpoint({
          key: `send.notification.${title}`,
          fn: async () => {
            await notifications.send({
              recipients: target,
              payload: {
                title,
                description: info,
                link,
                severity,
                scope,
                topic,
              },
            });
          },
        });
      } catch (error) {
        fail('Failed to send notification', error);
      }
    },
  });
}
