/**
 * Rejects anything that could smuggle extra recipients or headers into a
 * message: whitespace, quotes, list separators, angle brackets and colons,
 * and anything without exactly one `@` between non-empty parts.
 */
export function isValidEmailAddress(address: string): boolean {
  if (!address || /[\s"',;<>:]/.test(address)) {
    return false;
  }
  const parts = address.split('@');
  return parts.length === 2 && parts[0].length > 0 && parts[1].length > 0;
}

/**
 * Validates a From or Reply-To value from config, which may carry a display
 * name: `ops@example.com` or `Ops Team <ops@example.com>`.
 */
export function isValidMailboxHeader(value: string): boolean {
  const named = /^([^<>"\r\n]*)<([^<>]+)>$/.exec(value.trim());
  if (named) {
    return isValidEmailAddress(named[2]);
  }
  return isValidEmailAddress(value);
}

export type EmailAddressPolicyOptions = {
  allowedEmailDomains?: string[];
  allowlistEmailAddresses?: string[];
  denylistEmailAddresses?: string[];
};

export type AddressScreening = {
  accepted: string[];
  invalid: string[];
  excluded: string[];
};

/**
 * Decides which addresses may receive email: format first, then the
 * allowlist (which beats the domain list), then allowed domains, then the
 * denylist, which beats everything. Addresses are compared and returned in
 * lower case, without duplicates.
 */
export class EmailAddressPolicy {
  private readonly allowedDomains?: Set<string>;
  private readonly allowlist?: Set<string>;
  private readonly denylist: Set<string>;

  constructor(options: EmailAddressPolicyOptions) {
    const lowered = (values?: string[]) =>
      values && values.length > 0
        ? new Set(values.map(v => v.trim().toLowerCase()))
        : undefined;
    this.allowedDomains = lowered(options.allowedEmailDomains);
    this.allowlist = lowered(options.allowlistEmailAddresses);
    this.denylist = lowered(options.denylistEmailAddresses) ?? new Set();
  }

  screen(candidates: Iterable<string>): AddressScreening {
    const accepted = new Set<string>();
    const invalid: string[] = [];
    const excluded = new Set<string>();
    for (const candidate of candidates) {
      if (!isValidEmailAddress(candidate)) {
        invalid.push(candidate);
        continue;
      }
      const address = candidate.toLowerCase();
      if (this.isAllowed(address)) {
        accepted.add(address);
      } else {
        excluded.add(address);
      }
    }
    return { accepted: [...accepted], invalid, excluded: [...excluded] };
  }

  private isAllowed(address: string): boolean {
    if (this.denylist.has(address)) {
      return false;
    }
    if (this.allowlist?.has(address)) {
      return true;
    }
    if (this.allowedDomains) {
      return this.allowedDomains.has(address.split('@')[1]);
    }
    return !this.allowlist;
  }
}
