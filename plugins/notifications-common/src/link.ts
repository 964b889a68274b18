/**
 * Where a notification link leads once read the way a browser reads it.
 *
 * - `internal`: a page of the app; `path` is the normalised path, query and
 *   fragment, always starting with exactly one `/`.
 * - `external`: an absolute http(s) URL elsewhere; `url` is its serialised
 *   form.
 * - `rejected`: anything else, with the reason.
 *
 * @public
 */
export type NotificationLinkTarget =
  | { kind: 'internal'; path: string }
  | { kind: 'external'; url: string }
  | { kind: 'rejected'; reason: string };

const EXPLICIT_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Removes what the URL parser ignores before it reads anything: leading and
 * trailing C0 controls and spaces, and ASCII tab and newline anywhere. Checks
 * made on the raw string (does it start with `/`? with `javascript:`?) are
 * fooled by exactly these characters.
 *
 * @public
 */
export function stripUrlIgnoredCharacters(link: string): string {
  return (
    link
      // eslint-disable-next-line no-control-regex
      .replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '')
      .replace(/[\t\n\r]/g, '')
  );
}

/**
 * Classifies a notification link for the app served at `appBaseUrl`.
 *
 * The link is parsed by the WHATWG URL parser, as browsers do, against the
 * root of the app's origin, so relative links are app paths (the app adds
 * its own base path when rendering them). Only http(s) survives. A link
 * written without a scheme (`/x`, `x`, `//host`, `/\host`) is accepted only
 * when it stays on the app's origin: a path that a browser would read as
 * another host is a disguised external link, not an in-app one.
 *
 * @public
 */
export function classifyNotificationLink(
  link: unknown,
  appBaseUrl: string,
): NotificationLinkTarget {
  if (typeof link !== 'string') {
    return { kind: 'rejected', reason: 'the link is not a string' };
  }
  const stripped = stripUrlIgnoredCharacters(link);
  if (stripped === '') {
    return { kind: 'rejected', reason: 'the link is empty' };
  }
  let app: URL;
  let resolved: URL;
  try {
    app = new URL(appBaseUrl);
    resolved = new URL(stripped, app.origin);
  } catch {
    return { kind: 'rejected', reason: 'the link is not a valid URL' };
  }
  if (resolved.protocol !== 'http:' && resolved.protocol !== 'https:') {
    return {
      kind: 'rejected',
      reason: `links must use http or https, not ${resolved.protocol}`,
    };
  }
  if (resolved.origin === app.origin) {
    // `/.//host` resolves to the path `//host`, which is protocol-relative
    // once written into an href on its own.
    const pathname = resolved.pathname.replace(/^\/+/, '/');
    return {
      kind: 'internal',
      path: `${pathname}${resolved.search}${resolved.hash}`,
    };
  }
  if (!EXPLICIT_SCHEME.test(stripped)) {
    return {
      kind: 'rejected',
      reason: `the relative link leads to another host (${resolved.host})`,
    };
  }
  return { kind: 'external', url: resolved.href };
}

/**
 * The href to render or store for a link: the normalised path of an in-app
 * link, the normalised URL of an external one, undefined for a rejected one.
 *
 * @public
 */
export function notificationLinkHref(
  target: NotificationLinkTarget,
): string | undefined {
  if (target.kind === 'internal') {
    return target.path;
  }
  return target.kind === 'external' ? target.url : undefined;
}
