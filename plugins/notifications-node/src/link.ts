import { stripUrlIgnoredCharacters } from '@herald/plugin-notifications-common';

/**
 * Resolves a notification link against the app's base URL: absolute links
 * are kept, relative ones (leading slashes ignored) are appended to the base.
 * The link is first stripped as the URL parser strips it, and backslashes
 * count as slashes, so `/<TAB>/host` or `/\host` stays under the base
 * instead of becoming protocol-relative.
 * Returns the input unchanged when no URL can be built, and undefined for an
 * empty link.
 *
 * @public
 */
export function resolveNotificationLink(
  link: string | undefined,
  baseUrl: string,
): string | undefined {
  if (!link) {
    return undefined;
  }
  try {
    const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
    const relative = stripUrlIgnoredCharacters(link).replace(/^[/\\]+/, '');
    return new URL(relative, base).toString();
  } catch {
    return link;
  }
}
