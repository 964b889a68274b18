import { createApiRef } from '@backstage/core-plugin-api';
import { JsonObject } from '@backstage/types';

/** @public */
export type SignalSubscriber = {
  unsubscribe(): void;
};

/**
 * State of the connection behind a {@link SignalApi}. `connecting` covers
 * the first attempt and every reconnect.
 * @public
 */
export type SignalConnectionState = 'disconnected' | 'connecting' | 'connected';

/**
 * Herald extension: what a {@link SignalApi} can report about its
 * connection, so a UI can refetch after signals may have been missed.
 * @public
 */
export type SignalConnectionObserver = {
  onStateChange?(state: SignalConnectionState): void;
  /**
   * Signals on `channel` were missed and cannot be replayed; state derived
   * from the channel should be refetched.
   */
  onGap?(channel: string): void;
};

/** @public */
export interface SignalApi {
  subscribe<TMessage extends JsonObject = JsonObject>(
    channel: string,
    onMessage: (message: TMessage) => void,
  ): SignalSubscriber;
  /**
   * Herald extension, optional so that implementations of the upstream
   * interface still fit.
   */
  observeConnection?(observer: SignalConnectionObserver): SignalSubscriber;
}

/** Same id as upstream's ref, so plugins built against it find ours. @public */
export const signalApiRef = createApiRef<SignalApi>({
  id: 'plugin.signal.service',
});
