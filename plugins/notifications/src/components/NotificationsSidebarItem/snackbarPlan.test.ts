import { NotificationSeverity } from '@herald/plugin-notifications-common';
import { makeNotification } from '../../__testUtils__';
import { SnackbarPlan, SnackContent } from './snackbarPlan';

function setup() {
  const open = new Map<string, NotificationSeverity>();
  let maxOpen = 0;
  const plan: SnackbarPlan = new SnackbarPlan({
    show(key, severity) {
      open.set(key, severity);
      maxOpen = Math.max(maxOpen, open.size);
    },
    close(key) {
      open.delete(key);
      plan.closed(key);
    },
  });
  const only = (): [string, SnackContent] => {
    expect(open.size).toBe(1);
    const [key] = [...open.keys()];
    return [key, plan.content(key)!];
  };
  return { plan, open, only, maxOpen: () => maxOpen };
}

const titles = (content: SnackContent) =>
  content.kind === 'single'
    ? [content.notification.payload.title]
    : content.notifications.map(n => n.payload.title);

describe('SnackbarPlan', () => {
  it('gives a lone notification its own snackbar in its severity', () => {
    const { plan, open, only } = setup();
    plan.add([
      makeNotification({ payload: { title: 'One', severity: 'high' } }),
    ]);
    const [key, content] = only();
    expect(content.kind).toBe('single');
    expect(open.get(key)).toBe('high');
  });

  it('folds notifications arriving together into one snackbar, in the most severe variant', () => {
    const { plan, open, only } = setup();
    plan.add([
      makeNotification({ payload: { title: 'a', severity: 'low' } }),
      makeNotification({ payload: { title: 'b', severity: 'critical' } }),
      makeNotification({ payload: { title: 'c', severity: 'normal' } }),
    ]);
    const [key, content] = only();
    expect(content.kind).toBe('burst');
    expect(titles(content)).toEqual(['c', 'b', 'a']);
    expect(open.get(key)).toBe('critical');
  });

  it('keeps at most one snackbar through a 500-notification burst and counts them all', () => {
    const { plan, only, maxOpen } = setup();
    for (let batch = 0; batch < 50; batch += 1) {
      plan.add(
        Array.from({ length: 10 }, (_, i) =>
          makeNotification({
            payload: {
              title: `n${batch * 10 + i}`,
              severity: batch === 30 && i === 0 ? 'critical' : 'normal',
            },
          }),
        ),
      );
    }
    expect(maxOpen()).toBe(1);
    const [, content] = only();
    expect(titles(content)).toHaveLength(500);
  });

  it('adds later arrivals to the open snackbar in place, and reopens it when the severity rises', () => {
    const { plan, open, only } = setup();
    plan.add([makeNotification({ payload: { title: 'first' } })]);
    const [singleKey] = only();
    plan.add([makeNotification({ payload: { title: 'second' } })]);
    const [burstKey, burst] = only();
    expect(burstKey).not.toBe(singleKey);
    expect(titles(burst)).toEqual(['second', 'first']);

    plan.add([
      makeNotification({ payload: { title: 'third', severity: 'low' } }),
    ]);
    expect(only()[0]).toBe(burstKey);

    plan.add([
      makeNotification({ payload: { title: 'fire', severity: 'critical' } }),
    ]);
    const [raisedKey, raised] = only();
    expect(raisedKey).not.toBe(burstKey);
    expect(open.get(raisedKey)).toBe('critical');
    expect(titles(raised)).toHaveLength(4);
  });

  it('follows a scope update of the notification it shows', () => {
    const { plan, only } = setup();
    const first = makeNotification({ payload: { title: 'Build 1 running' } });
    plan.add([first]);
    const [key] = only();
    plan.add([
      { ...first, payload: { ...first.payload, title: 'Build 1 failed' } },
    ]);
    const [sameKey, content] = only();
    expect(sameKey).toBe(key);
    expect(titles(content)).toEqual(['Build 1 failed']);
  });

  it('closes when read elsewhere, and shrinks a burst by what was read', () => {
    const { plan, open, only } = setup();
    const single = makeNotification();
    plan.add([single]);
    plan.read([single.id]);
    expect(open.size).toBe(0);

    const [a, b] = [makeNotification(), makeNotification()];
    plan.add([a, b]);
    plan.read([a.id]);
    expect(titles(only()[1])).toEqual([b.payload.title]);
    plan.read([b.id]);
    expect(open.size).toBe(0);
  });
});
