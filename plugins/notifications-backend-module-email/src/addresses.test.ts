import {
  EmailAddressPolicy,
  isValidEmailAddress,
  isValidMailboxHeader,
} from './addresses';

describe('isValidEmailAddress', () => {
  it.each(['a@b', 'first.last+tag@sub.example.com'])('accepts %s', address => {
    expect(isValidEmailAddress(address)).toBe(true);
  });

  it.each([
    '',
    ' a@b.c',
    'a@b.c ',
    'a b@c.d',
    'a@b@c',
    '@b.c',
    'a@',
    'nobody',
    '"a"@b.c',
    "o'neil@b.c",
    'a@b.c,d@e.f',
    'a@b.c;d@e.f',
    '<a@b.c>',
    'a:b@c.d',
    'a@b.c\r\nBcc: x@y.z',
  ])('rejects %j', address => {
    expect(isValidEmailAddress(address)).toBe(false);
  });
});

describe('isValidMailboxHeader', () => {
  it.each(['a@b.c', 'Herald Bot <a@b.c>'])(
    'accepts a bare address or a display name with one address: %j',
    header => {
      expect(isValidMailboxHeader(header)).toBe(true);
    },
  );

  it.each(['X <a@b.c>, Y <d@e.f>', 'X <not an address>'])(
    'rejects %j',
    header => {
      expect(isValidMailboxHeader(header)).toBe(false);
    },
  );
});

describe('EmailAddressPolicy', () => {
  const candidates = [
    'Alice@Example.com',
    'alice@example.com',
    'bob@sub.example.com',
    'carol@other.org',
    'dave@example.com',
    'not an address',
  ];

  it('accepts every valid address, lower-cased and de-duplicated, without lists', () => {
    expect(new EmailAddressPolicy({}).screen(candidates)).toEqual({
      accepted: [
        'alice@example.com',
        'bob@sub.example.com',
        'carol@other.org',
        'dave@example.com',
      ],
      invalid: ['not an address'],
      excluded: [],
    });
  });

  it('matches domains exactly, lets the allowlist override them and the denylist override all', () => {
    const policy = new EmailAddressPolicy({
      allowedEmailDomains: ['Example.COM'],
      allowlistEmailAddresses: ['carol@other.org', 'dave@example.com'],
      denylistEmailAddresses: ['DAVE@example.com'],
    });
    const { accepted, excluded } = policy.screen(candidates);
    expect(accepted).toEqual(['alice@example.com', 'carol@other.org']);
    expect(excluded).toEqual(['bob@sub.example.com', 'dave@example.com']);
  });

  it('accepts only allowlisted addresses when no domains are set', () => {
    const policy = new EmailAddressPolicy({
      allowlistEmailAddresses: ['carol@other.org'],
    });
    expect(policy.screen(candidates).accepted).toEqual(['carol@other.org']);
  });

  it('checks the format before the allowlist', () => {
    const policy = new EmailAddressPolicy({
      allowlistEmailAddresses: ['a b@example.com', 'ok@example.com'],
    });
    expect(policy.screen(['a b@example.com', 'ok@example.com'])).toEqual({
      accepted: ['ok@example.com'],
      invalid: ['a b@example.com'],
      excluded: [],
    });
  });

  it('lets the denylist beat an allowlisted address', () => {
    const policy = new EmailAddressPolicy({
      allowlistEmailAddresses: ['carol@other.org', 'dave@example.com'],
      denylistEmailAddresses: ['carol@other.org'],
    });
    expect(policy.screen(candidates).accepted).toEqual(['dave@example.com']);
  });

  it('drops only denylisted addresses when the denylist is the only list', () => {
    const policy = new EmailAddressPolicy({
      denylistEmailAddresses: ['Bob@Sub.Example.com'],
    });
    const { accepted, excluded } = policy.screen(candidates);
    expect(accepted).toEqual([
      'alice@example.com',
      'carol@other.org',
      'dave@example.com',
    ]);
    expect(excluded).toEqual(['bob@sub.example.com']);
  });

  it('accepts only the allowed domains when they are the only list', () => {
    const policy = new EmailAddressPolicy({
      allowedEmailDomains: ['other.org'],
    });
    expect(policy.screen(candidates).accepted).toEqual(['carol@other.org']);
  });
});
