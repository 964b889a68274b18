import { JsonObject } from '@backstage/types';

/**
 * Who receives a signal. `entityRef` is matched against the ownership refs of
 * each connection, so a group ref reaches the group's members.
 * @public
 */
export type SignalRecipients =
  | { type: 'user'; entityRef: string | string[] }
  | { type: 'broadcast' };

/** @public */
export type SignalPayload<TMessage extends JsonObject = JsonObject> = {
  recipients: SignalRecipients;
  channel: string;
  message: TMessage;
  /**
   * Herald extension: additions deep-merged into `message` for the
   * connections of one user (keyed by user entity ref; see
   * `mergeRecipientMessage`), so one publish can carry shared content once and
   * per-user data such as each recipient's own notification id.
   * `DefaultSignalsService` publishes it as one event only when the Herald
   * signals backend of the same backend announced that it merges the field
   * (`perRecipientSupportServiceRef`); otherwise it publishes one plain signal
   * per user, which any consumer delivers.
   */
  perRecipient?: { [userEntityRef: string]: JsonObject };
};

/** @public */
export interface SignalsService {
  publish<TMessage extends JsonObject = JsonObject>(
    signal: SignalPayload<TMessage>,
  ): Promise<void>;
}

/**
 * The events topic signals travel on, shared with upstream publishers.
 * @public
 */
export const SIGNALS_EVENT_TOPIC = 'signals';
