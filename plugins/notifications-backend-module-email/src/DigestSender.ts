import { LoggerService } from '@backstage/backend-plugin-api';
import { DigestClaim, DigestItem, DigestQueue } from './DigestQueue';
import { Mailer } from './mailer';
import { RenderedEmail, escapeHtml } from './template';

/** Longer than one message can take; a run that dies is retried after it. */
export const DIGEST_LEASE_MS = 10 * 60 * 1000;
const ADDRESSES_PER_BATCH = 100;

export function renderDigest(items: DigestItem[]): RenderedEmail {
  const subject =
    items.length === 1
      ? `1 notification: ${items[0].title.replace(/\s+/g, ' ').trim()}`
      : `${items.length} notifications`;
  const text = items
    .map(item =>
      [`[${item.severity}] ${item.title}`, item.description, item.url]
        .filter(Boolean)
        .join('\n'),
    )
    .join('\n\n');
  const rows = items.map(
    item =>
      `<li><p><strong>${escapeHtml(item.title)}</strong> <small>(${escapeHtml(
        item.severity,
      )})</small></p>${
        item.description ? `<p>${escapeHtml(item.description)}</p>` : ''
      }<p><a href="${escapeHtml(item.url)}">${escapeHtml(
        item.url,
      )}</a></p></li>`,
  );
  return {
    subject,
    text,
    html: `<!DOCTYPE html>\n<html><body>\n<ul>\n${rows.join(
      '\n',
    )}\n</ul>\n</body></html>\n`,
  };
}

/**
 * Sends every due digest: one message per address listing its queued
 * notifications. SMTP has no idempotency key, so a run that dies after the
 * server took a message but before its rows are marked sends that digest
 * again once the lease runs out; nothing else is sent twice or lost.
 */
export class DigestSender {
  constructor(
    private readonly options: {
      queue: DigestQueue;
      mailer: Mailer;
      logger: LoggerService;
      leaseMs?: number;
    },
  ) {}

  /** Sends what is due at `now`; returns how many digests went out. */
  async sendDue(now = Date.now()): Promise<number> {
    const { queue, logger } = this.options;
    let sent = 0;
    // A claimed address is not due again until its lease ends, so this ends.
    for (;;) {
      const addresses = await queue.dueAddresses(now, ADDRESSES_PER_BATCH);
      if (addresses.length === 0) {
        return sent;
      }
      for (const address of addresses) {
        const claim = await queue.claim(
          address,
          now,
          this.options.leaseMs ?? DIGEST_LEASE_MS,
        );
        if (!claim) {
          continue;
        }
        try {
          await this.sendOne(claim);
          sent += 1;
        } catch (error) {
          // The claim stays until its lease ends, which spaces the retries.
          logger.warn(
            `Failed to email a digest of ${claim.items.length} notification(s) to ${address}, retrying later: ${error}`,
          );
        }
      }
    }
  }

  private async sendOne(claim: DigestClaim): Promise<void> {
    const { mailer, queue, logger } = this.options;
    const message = renderDigest(claim.items);
    await mailer.awaitSlot();
    const outcome = await mailer.send(claim.address, message);
    if (outcome.kind === 'rejected') {
      logger.warn(
        `Mail server permanently refused ${claim.address} for a digest, not retrying: ${outcome.reason}`,
      );
    }
    await queue.markSent(claim, outcome.kind);
  }
}
