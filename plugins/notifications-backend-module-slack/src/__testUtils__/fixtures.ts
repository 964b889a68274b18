import { Entity } from '@backstage/catalog-model';
import { ANNOTATION_SLACK_BOT_NOTIFY } from '../constants';

export const TEST_TOKEN = 'xoxb-test-token';

export function userEntity(
  name: string,
  options: { email?: string; slack?: string } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: {
      name,
      namespace: 'default',
      ...(options.slack
        ? { annotations: { [ANNOTATION_SLACK_BOT_NOTIFY]: options.slack } }
        : {}),
    },
    spec: {
      profile: options.email ? { email: options.email } : {},
      memberOf: [],
    },
  };
}

export function groupEntity(
  name: string,
  members: string[],
  slack?: string,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name,
      namespace: 'default',
      ...(slack
        ? { annotations: { [ANNOTATION_SLACK_BOT_NOTIFY]: slack } }
        : {}),
    },
    spec: { type: 'team', children: [] },
    relations: members.map(member => ({
      type: 'hasMember',
      targetRef: `user:default/${member}`,
    })),
  };
}
