import { useApiHolder } from '@backstage/core-plugin-api';
import { JsonObject } from '@backstage/types';
import { useEffect, useRef, useState } from 'react';
import { SignalConnectionState, signalApiRef } from './api';

/**
 * The latest message on `channel`. Works without the signals plugin
 * installed: `isSignalsAvailable` is then false and `lastSignal` stays null.
 * @public
 */
export function useSignal<TMessage extends JsonObject = JsonObject>(
  channel: string,
): { lastSignal: TMessage | null; isSignalsAvailable: boolean } {
  const signals = useApiHolder().get(signalApiRef);
  const [lastSignal, setLastSignal] = useState<TMessage | null>(null);
  useEffect(() => {
    if (!signals) {
      return undefined;
    }
    const subscription = signals.subscribe<TMessage>(channel, message =>
      setLastSignal(message),
    );
    return () => subscription.unsubscribe();
  }, [signals, channel]);
  return { lastSignal, isSignalsAvailable: Boolean(signals) };
}

/**
 * The state of the signals connection, or undefined when the installed
 * signal API does not report it (or there is none).
 * @public
 */
export function useSignalConnectionState(): SignalConnectionState | undefined {
  const signals = useApiHolder().get(signalApiRef);
  const [state, setState] = useState<SignalConnectionState | undefined>();
  useEffect(() => {
    if (!signals?.observeConnection) {
      setState(undefined);
      return undefined;
    }
    const subscription = signals.observeConnection({ onStateChange: setState });
    return () => subscription.unsubscribe();
  }, [signals]);
  return state;
}

/**
 * Calls `onGap` whenever signals on `channel` were missed and could not be
 * replayed, for example after a long disconnect, so the caller can refetch.
 * @public
 */
export function useSignalGap(channel: string, onGap: () => void): void {
  const signals = useApiHolder().get(signalApiRef);
  const latest = useRef(onGap);
  latest.current = onGap;
  useEffect(() => {
    if (!signals?.observeConnection) {
      return undefined;
    }
    const subscription = signals.observeConnection({
      onGap: gapChannel => {
        if (gapChannel === channel) {
          latest.current();
        }
      },
    });
    return () => subscription.unsubscribe();
  }, [signals, channel]);
}
