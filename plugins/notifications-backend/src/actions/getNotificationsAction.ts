import { AuthService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { NotAllowedError } from '@backstage/errors';
import { notificationSeverities } from '@herald/plugin-notifications-common';
import { notificationToJson } from '../notificationJson';
import { sanitizeError } from '../service/sanitizeErrors';
import {
  MAX_PAGE_PARAMETER,
  assertStorableInput,
  parseCreatedAfter,
} from '../service/validation';
import {
  NotificationFilter,
  NotificationsStore,
} from '../store/NotificationsStore';

const VIEW_FILTERS: Record<
  string,
  Pick<NotificationFilter, 'read' | 'saved'>
> = {
  unread: { read: false },
  read: { read: true },
  saved: { saved: true },
  all: {},
};

/**
 * Registers `notifications:get-notifications`, which lets an agent read the
 * calling user's inbox with the same queries as the REST API.
 */
export function registerGetNotificationsAction(options: {
  actionsRegistry: ActionsRegistryService;
  store: NotificationsStore;
  auth: AuthService;
}) {
  const { actionsRegistry, store, auth } = options;
  actionsRegistry.register({
    name: 'get-notifications',
    title: 'Get Notifications',
    description:
      'Lists the notifications of the calling user, newest first: unread by default, or read, saved or all, optionally filtered by search text, topic, minimum severity and creation time.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          view: z
            .enum(['unread', 'read', 'saved', 'all'])
            .default('unread')
            .describe('Which notifications to list'),
          search: z
            .string()
            .optional()
            .describe('Text to find in title or description'),
          topic: z.string().optional().describe('Only this topic'),
          minimumSeverity: z
            .enum(notificationSeverities)
            .optional()
            .describe('Only this severity and more severe ones'),
          createdAfter: z
            .string()
            .optional()
            .describe(
              'ISO 8601 time; only notifications created at or after it',
            ),
          offset: z.number().int().min(0).max(MAX_PAGE_PARAMETER).default(0),
          limit: z.number().int().min(1).max(100).default(10),
        }),
      output: z =>
        z.object({
          notifications: z.array(z.object({}).passthrough()),
          totalCount: z.number(),
        }),
    },
    action: async ({ input, credentials, logger }) => {
      if (!auth.isPrincipal(credentials, 'user')) {
        throw new NotAllowedError('This action requires user credentials');
      }
      assertStorableInput(input, 'input');
      const createdAfter =
        input.createdAfter === undefined
          ? undefined
          : parseCreatedAfter(input.createdAfter);
      let page: Awaited<ReturnType<NotificationsStore['list']>>;
      try {
        page = await store.list(credentials.principal.userEntityRef, {
          ...VIEW_FILTERS[input.view],
          search: input.search,
          topic: input.topic,
          minimumSeverity: input.minimumSeverity as any,
          createdAfter,
          offset: input.offset,
          limit: input.limit,
          orderBy: [{ field: 'created', direction: 'desc' }],
        });
      } catch (error) {
        // The actions registry answers with its own router, which the
        // REST router's sanitiser never sees.
        throw sanitizeError(error, logger, 'notifications:get-notifications');
      }
      return {
        output: {
          notifications: page.notifications.map(notificationToJson),
          totalCount: page.totalCount,
        },
      };
    },
  });
}
