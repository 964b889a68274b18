import { toDisplayableText, toPlainText, truncate } from './plainText';

describe('toPlainText', () => {
  it.each([
    ['&#x110000; beyond Unicode', '\uFFFD beyond Unicode'],
    ['&#1114112;', '\uFFFD'],
    ['&#xD800;&#xdfff;', '\uFFFD\uFFFD'],
    ['&#0;', '\uFFFD'],
    [`&#x${'f'.repeat(400)};`, '\uFFFD'],
    [`&#${'9'.repeat(400)};`, '\uFFFD'],
    ['&#x1F600; &#128512;', '\u{1F600} \u{1F600}'],
    ['&amp;&lt;b&gt; &unknown;', '&<b> &unknown;'],
    ['lone \uD800 high', 'lone \uFFFD high'],
    ['lone \uDC00 low', 'lone \uFFFD low'],
    ['pair \uD83D\uDE00 kept', 'pair \u{1F600} kept'],
    ['nul\u0000byte', 'nul\uFFFDbyte'],
    ['\u202Egnp.exe', 'gnp.exe'],
    ['a&#x202E;b&#x2066;c', 'abc'],
    ['<b>bold</b> **md** [link](/x)', 'bold md link'],
  ])('reads %j as %j', (input, expected) => {
    expect(toPlainText(input)).toBe(expected);
  });

  it('gives an empty string for anything that is not text', () => {
    expect(toPlainText(undefined)).toBe('');
    expect(toPlainText(null)).toBe('');
    expect(toPlainText({ title: 'x' })).toBe('');
    expect(toPlainText(42)).toBe('');
  });

  it('reads only the start of a huge text', () => {
    const huge = `${'<script>'.repeat(200_000)}${'x'.repeat(1_000_000)}`;
    const started = Date.now();
    const text = toPlainText(huge);
    expect(text.length).toBeLessThanOrEqual(10_000);
    // Generous: the unbounded version takes minutes on this input.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('never returns text that encodeURIComponent refuses', () => {
    const inputs = ['\uD800', '&#xD800;', 'x\uDBFF', '\uDFFFx', '&#x110000;'];
    for (const input of inputs) {
      expect(() => encodeURIComponent(toPlainText(input))).not.toThrow();
    }
  });
});

describe('toDisplayableText', () => {
  it('keeps ordinary text as it is', () => {
    expect(toDisplayableText('Déploiement réussi ✓ 日本')).toBe(
      'Déploiement réussi ✓ 日本',
    );
  });
});

describe('truncate', () => {
  it('never splits a surrogate pair', () => {
    expect(truncate('ab\u{1F600}cd', 3)).toBe('ab...');
    expect(truncate('ab\u{1F600}cd', 4)).toBe('ab\u{1F600}...');
    expect(truncate('short', 10)).toBe('short');
  });
});
