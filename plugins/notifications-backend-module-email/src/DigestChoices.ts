import { Notification } from '@herald/plugin-notifications-common';
import { Knex } from 'knex';
import { DigestConfig, DigestFrequency } from './config';

const TABLE = 'notification_email_digest_choice';

/**
 * Each user's choice of instant, hourly or daily email, and the admin
 * defaults (per topic, then overall) for users who have not chosen.
 */
export class DigestChoices {
  constructor(
    private readonly knex: Knex,
    private readonly defaults: Pick<
      DigestConfig,
      'defaultFrequency' | 'topics'
    >,
  ) {}

  /** The user's own choice, or undefined when the defaults apply. */
  async chosen(userRef: string): Promise<DigestFrequency | undefined> {
    const row = await this.knex(TABLE)
      .where('user_ref', userRef)
      .first('frequency');
    return row?.frequency;
  }

  async choose(userRef: string, frequency: DigestFrequency): Promise<void> {
    await this.knex(TABLE)
      .insert({ user_ref: userRef, frequency, updated_at: Date.now() })
      .onConflict('user_ref')
      .merge(['frequency', 'updated_at']);
  }

  async forget(userRef: string): Promise<void> {
    await this.knex(TABLE).where('user_ref', userRef).delete();
  }

  /** How this user's copy of the notification is emailed. */
  async frequencyFor(
    userRef: string,
    notification: Notification,
  ): Promise<DigestFrequency> {
    const own = await this.chosen(userRef);
    if (own) {
      return own;
    }
    const topic = notification.payload.topic;
    return (
      (topic !== undefined ? this.defaults.topics[topic] : undefined) ??
      this.defaults.defaultFrequency
    );
  }
}
