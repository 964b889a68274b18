import { useApiHolder } from '@backstage/core-plugin-api';
import { appLanguageApiRef } from '@backstage/core-plugin-api/alpha';

const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "5 minutes ago" style text for a date relative to `now`, in `language`. */
export function formatRelative(
  date: Date,
  now: Date = new Date(),
  language: string = 'en',
): string {
  const formatter = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
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
  // In the app's language, like the texts around it.
  const language = useApiHolder()
    .get(appLanguageApiRef)
    ?.getLanguage().language;
  const date = new Date(props.value);
  if (Number.isNaN(date.getTime())) {
    return null;
  }
  const iso = date.toISOString();
  return (
    <time dateTime={iso} title={iso}>
      {formatRelative(date, undefined, language)}
    </time>
  );
}
