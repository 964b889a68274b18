import { ReactNode, createElement as h } from 'react';
import { act, render, screen } from '@testing-library/react';
import { TestApiProvider } from '@backstage/test-utils';
import { JsonObject } from '@backstage/types';
import {
  SignalApi,
  SignalConnectionObserver,
  SignalConnectionState,
  signalApiRef,
} from './api';
import { useSignal, useSignalConnectionState, useSignalGap } from './hooks';

/** An in-memory SignalApi that tests drive by hand. */
class ManualSignals implements SignalApi {
  readonly listeners = new Map<string, Set<(message: JsonObject) => void>>();
  readonly observers = new Set<SignalConnectionObserver>();

  subscribe<T extends JsonObject>(channel: string, onMessage: (m: T) => void) {
    const set = this.listeners.get(channel) ?? new Set();
    this.listeners.set(channel, set);
    const listener = onMessage as (message: JsonObject) => void;
    set.add(listener);
    return { unsubscribe: () => set.delete(listener) };
  }

  observeConnection(observer: SignalConnectionObserver) {
    this.observers.add(observer);
    return { unsubscribe: () => this.observers.delete(observer) };
  }

  emit(channel: string, message: JsonObject) {
    act(() => this.listeners.get(channel)?.forEach(l => l(message)));
  }

  state(state: SignalConnectionState) {
    act(() => this.observers.forEach(o => o.onStateChange?.(state)));
  }

  gap(channel: string) {
    act(() => this.observers.forEach(o => o.onGap?.(channel)));
  }
}

type Greeting = { greeting: string };

const withApis = (
  apis: [typeof signalApiRef, SignalApi][],
  children: ReactNode,
) => h(TestApiProvider as any, { apis }, children);

function Show({ channel }: { channel: string }) {
  const { lastSignal, isSignalsAvailable } = useSignal<Greeting>(channel);
  const state = useSignalConnectionState();
  return h(
    'div',
    null,
    h('span', null, `available:${isSignalsAvailable}`),
    h('span', null, `last:${lastSignal ? lastSignal.greeting : 'none'}`),
    h('span', null, `state:${state ?? 'unknown'}`),
  );
}

describe('useSignal', () => {
  it('works without a signal API', () => {
    render(withApis([], h(Show, { channel: 'c' })));
    expect(screen.getByText('available:false')).toBeInTheDocument();
    expect(screen.getByText('last:none')).toBeInTheDocument();
    expect(screen.getByText('state:unknown')).toBeInTheDocument();
  });

  it('shows the latest message and unsubscribes on channel change and unmount', () => {
    const signals = new ManualSignals();
    const view = render(
      withApis([[signalApiRef, signals]], h(Show, { channel: 'a' })),
    );
    expect(screen.getByText('available:true')).toBeInTheDocument();
    signals.emit('a', { greeting: 'hello' });
    expect(screen.getByText('last:hello')).toBeInTheDocument();
    signals.emit('other', { greeting: 'ignored' });
    expect(screen.getByText('last:hello')).toBeInTheDocument();

    view.rerender(
      withApis([[signalApiRef, signals]], h(Show, { channel: 'b' })),
    );
    expect(signals.listeners.get('a')?.size).toBe(0);
    signals.emit('b', { greeting: 'bonjour' });
    expect(screen.getByText('last:bonjour')).toBeInTheDocument();

    view.unmount();
    expect(signals.listeners.get('b')?.size).toBe(0);
    expect(signals.observers.size).toBe(0);
  });

  it('reports connection state and gaps for its channel only', () => {
    const signals = new ManualSignals();
    const gaps: string[] = [];
    function Refetcher() {
      useSignalGap('notifications', () => gaps.push('refetch'));
      return null;
    }
    render(
      withApis(
        [[signalApiRef, signals]],
        h('div', null, h(Show, { channel: 'a' }), h(Refetcher)),
      ),
    );
    signals.state('connected');
    expect(screen.getByText('state:connected')).toBeInTheDocument();
    signals.gap('other');
    signals.gap('notifications');
    expect(gaps).toEqual(['refetch']);
  });
});
