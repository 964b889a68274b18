const entities: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

const REPLACEMENT_CHARACTER = '\uFFFD';

/**
 * Previews show a line or two; reading further only costs time, and the
 * patterns below must not see megabytes of text.
 */
const PLAIN_TEXT_INPUT_MAX = 10_000;

/**
 * Bidirectional embeddings, overrides and isolates let a payload reorder the
 * text around it ("Trojan source"); a preview never needs them.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

const LONE_SURROGATE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The character of a numeric character reference, the way HTML reads it:
 * NUL, surrogates and anything beyond U+10FFFF become U+FFFD instead of an
 * exception from `String.fromCodePoint`.
 */
function fromNumericReference(digits: string, radix: number): string {
  const codePoint = parseInt(digits, radix);
  if (
    !Number.isFinite(codePoint) ||
    codePoint === 0 ||
    codePoint > 0x10ffff ||
    (codePoint >= 0xd800 && codePoint <= 0xdfff)
  ) {
    return REPLACEMENT_CHARACTER;
  }
  return String.fromCodePoint(codePoint);
}

/**
 * Text that any renderer or browser API accepts: lone surrogates and NUL
 * become U+FFFD, bidi controls are dropped.
 */
export function toDisplayableText(input: string): string {
  return input
    .replace(LONE_SURROGATE, REPLACEMENT_CHARACTER)
    .replace(/\0/g, REPLACEMENT_CHARACTER)
    .replace(BIDI_CONTROLS, '');
}

/**
 * Reduces HTML or markdown to readable plain text for places that show a
 * one-line preview (snackbars, browser notifications, the home card). Total:
 * every string, however malformed, gives a string.
 */
export function toPlainText(input: unknown): string {
  if (typeof input !== 'string' || input === '') {
    return '';
  }
  const text = toDisplayableText(input.slice(0, PLAIN_TEXT_INPUT_MAX))
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (match, code: string) => {
      if (code.startsWith('#x') || code.startsWith('#X')) {
        return fromNumericReference(code.slice(2), 16);
      }
      if (code.startsWith('#')) {
        return fromNumericReference(code.slice(1), 10);
      }
      return entities[code.toLowerCase()] ?? match;
    })
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+/gm, '')
    .replace(/(\*\*|__|\*|_|~~|`)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return toDisplayableText(text);
}

/**
 * Cuts text to `max` characters, marking the cut with an ellipsis. A cut
 * never splits a surrogate pair.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) {
    return text;
  }
  const cut = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return `${text.slice(0, cut)}...`;
}
