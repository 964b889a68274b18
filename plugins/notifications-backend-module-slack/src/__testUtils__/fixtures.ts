import { Entity } from '@backstage/catalog-model';
import { groupEntity, userEntity } from '@herald/notifications-test-utils';
import { ANNOTATION_SLACK_BOT_NOTIFY } from '../constants';

export const TEST_TOKEN = 'xoxb-test-token';

/** Upstream's documented broadcast routing example, key for key. */
export const UPSTREAM_BROADCAST_EXAMPLE = {
  processors: {
    slack: [
      {
        token: 'xoxb-XXXXXXXXX',
        broadcastChannels: ['general-notifications'],
        broadcastRoutes: [
          {
            origin: 'plugin:catalog',
            topic: 'alerts',
            channel: 'catalog-alerts',
          },
          { origin: 'plugin:catalog', channel: 'catalog-updates' },
          { topic: 'security', channel: 'security-team' },
          {
            origin: 'external:monitoring',
            channel: ['ops-team', 'on-call-alerts'],
          },
        ],
      },
    ],
  },
};

const slackAnnotation = (slack?: string) =>
  slack ? { [ANNOTATION_SLACK_BOT_NOTIFY]: slack } : undefined;

export function slackUser(
  name: string,
  options: { email?: string; slack?: string } = {},
): Entity {
  return userEntity(name, {
    email: options.email,
    annotations: slackAnnotation(options.slack),
  });
}

export function slackGroup(
  name: string,
  members: string[],
  slack?: string,
): Entity {
  return groupEntity(name, members, { annotations: slackAnnotation(slack) });
}
