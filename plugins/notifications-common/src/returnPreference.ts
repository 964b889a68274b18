/**
 * The `Prefer` value (RFC 7240) by which a sender asks `POST /notifications`
 * to answer with 204 and no body instead of the stored notifications, which
 * a send to 100,000 users makes 30 MB of JSON. The answer then carries it in
 * `Preference-Applied`. Upstream's clients do not send it and get the
 * notifications, as upstream answers.
 *
 * @public
 */
export const RETURN_MINIMAL_PREFERENCE = 'return=minimal';

/**
 * Whether a `Prefer` header asks for {@link RETURN_MINIMAL_PREFERENCE}: its
 * preferences are separated by commas, each may carry parameters after a
 * semicolon, a value may be quoted, and names are case-insensitive.
 *
 * @public
 */
export function prefersReturnMinimal(prefer: string | undefined): boolean {
  if (!prefer) {
    return false;
  }
  return prefer.split(',').some(
    preference =>
      preference
        .split(';')[0]
        .replace(/[\s"]+/g, '')
        .toLowerCase() === RETURN_MINIMAL_PREFERENCE,
  );
}
