import { digestDueAt } from './DigestQueue';

const at = (iso: string) => new Date(iso).getTime();

describe('digestDueAt', () => {
  it.each([
    ['hourly', '2026-03-01T10:20:00Z', '2026-03-01T11:00:00Z'],
    ['hourly', '2026-03-01T10:00:00Z', '2026-03-01T11:00:00Z'],
    ['hourly', '2026-03-01T23:59:59Z', '2026-03-02T00:00:00Z'],
    ['daily', '2026-03-01T07:59:00Z', '2026-03-01T08:00:00Z'],
    ['daily', '2026-03-01T08:00:00Z', '2026-03-02T08:00:00Z'],
    ['daily', '2026-03-01T20:00:00Z', '2026-03-02T08:00:00Z'],
  ] as const)('%s from %s is due at %s', (frequency, queued, due) => {
    expect(new Date(digestDueAt(frequency, at(queued), 8)).toISOString()).toBe(
      new Date(due).toISOString(),
    );
  });
});
