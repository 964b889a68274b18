/**
 * Whether a payload link may be rendered as a link: absolute http(s) URLs and
 * paths inside the app. Everything else (javascript:, data:, protocol-relative
 * `//host`) is shown as text, because payloads come from outside the app.
 */
export function isSafeHref(href: string | undefined | null): href is string {
  if (!href) {
    return false;
  }
  const trimmed = href.trim();
  if (trimmed.startsWith('/')) {
    return !trimmed.startsWith('//') && !trimmed.startsWith('/\\');
  }
  try {
    const { protocol } = new URL(trimmed);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** Whether a link leaves the app, so it opens in a new tab. */
export function isExternalHref(href: string): boolean {
  return !href.trim().startsWith('/');
}
