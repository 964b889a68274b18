/**
 * Resolves a notification link against the app's base URL: absolute links
 * are kept, relative ones (leading slashes ignored) are appended to the base.
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
    return new URL(link.replace(/^\/+/, ''), base).toString();
  } catch {
    return link;
  }
}
