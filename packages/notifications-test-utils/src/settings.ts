import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { NotificationsTestBackend } from './backend';

/**
 * Switches one topic of one origin off for a user, as the settings page
 * saves it: on one channel (the inbox, `Web`, unless named), with the
 * origin's other topics left on. Throws unless the backend answers 200.
 */
export async function muteTopic(
  server: NotificationsTestBackend['server'],
  userRef: string,
  muted: { origin: string; topic: string; channel?: string },
): Promise<void> {
  const response = await request(server)
    .post('/api/notifications/settings')
    .set('Authorization', mockCredentials.user.header(userRef))
    .send({
      channels: [
        {
          id: muted.channel ?? 'Web',
          origins: [
            {
              id: muted.origin,
              enabled: true,
              topics: [{ id: muted.topic, enabled: false }],
            },
          ],
        },
      ],
    });
  if (response.status !== 200) {
    throw new Error(
      `Muting ${muted.topic} for ${userRef} answered ${response.status}`,
    );
  }
}
