import { Transporter } from 'nodemailer';
import { RenderedEmail } from './template';

type SendError = Error & {
  code?: string;
  command?: string;
  responseCode?: number;
};

/**
 * A 5xx answer to RCPT TO means the server will never take mail for that
 * address; anything else (connection trouble, 4xx, a refused message) may
 * succeed later.
 */
export function isPermanentRecipientRejection(error: unknown): boolean {
  const { code, command, responseCode } = error as SendError;
  return (
    code === 'EENVELOPE' &&
    command === 'RCPT TO' &&
    typeof responseCode === 'number' &&
    responseCode >= 500 &&
    responseCode < 600
  );
}

/** nodemailer's codes for a server that could not be reached or talked to. */
const CONNECTION_FAILURE_CODES = new Set([
  'ECONNECTION',
  'ESOCKET',
  'ETIMEDOUT',
  'EDNS',
]);

/**
 * Whether a failed send may succeed later without anyone changing anything:
 * the server is down or unreachable, or answered with a 4xx (try again
 * later). A 5xx refusal of the message is not.
 */
export function isTransientSendFailure(error: unknown): boolean {
  const { code, responseCode } = error as SendError;
  if (typeof responseCode === 'number') {
    return responseCode >= 400 && responseCode < 500;
  }
  return code !== undefined && CONNECTION_FAILURE_CODES.has(code);
}

/** How a send ended: taken by the server, or its address refused for good. */
export type MailOutcome =
  | { kind: 'delivered' }
  | { kind: 'rejected'; reason: string };

/**
 * Sends single messages from the configured sender, at the configured
 * pace; shared by instant emails and digests.
 */
export class Mailer {
  constructor(
    private readonly options: {
      transporter: Transporter;
      sender: string;
      replyTo?: string;
      sesOptions?: Record<string, string>;
      /** Resolves when the next message may start, at the configured rate. */
      awaitSendSlot: () => Promise<void>;
    },
  ) {}

  /** Resolves when the next message may start. */
  awaitSlot(): Promise<void> {
    return this.options.awaitSendSlot();
  }

  /** Sends now; throws on every failure but a permanent refusal. */
  async send(to: string, message: RenderedEmail): Promise<MailOutcome> {
    const { transporter, sender, replyTo, sesOptions } = this.options;
    try {
      await transporter.sendMail({
        from: sender,
        replyTo,
        to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        ...(sesOptions ? { ses: sesOptions } : {}),
      });
    } catch (error) {
      if (!isPermanentRecipientRejection(error)) {
        throw error;
      }
      return { kind: 'rejected', reason: (error as Error).message };
    }
    return { kind: 'delivered' };
  }
}
