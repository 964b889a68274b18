const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

const formatter = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "5 minutes ago" style text for a date relative to `now`. */
export function formatRelative(date: Date, now: Date = new Date()): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size || unit === 'second') {
      return formatter.format(Math.round(seconds / size), unit);
    }
  }
  return formatter.format(0, 'second');
}

/** A relative time with the exact UTC timestamp as its tooltip. */
export function RelativeTime(props: { value: Date | string }) {
  const date = new Date(props.value);
  if (Number.isNaN(date.getTime())) {
    return null;
  }
  const iso = date.toISOString();
  return (
    <time dateTime={iso} title={iso}>
      {formatRelative(date)}
    </time>
  );
}
