import { ParsedMail, simpleParser } from 'mailparser';
import { AddressInfo } from 'node:net';
import { EventEmitter, once } from 'node:events';
import { SMTPServer } from 'smtp-server';

export type ReceivedEmail = {
  envelopeTo: string[];
  envelopeFrom: string;
  mail: ParsedMail;
  receivedAt: number;
};

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * A real SMTP server on loopback that keeps every accepted message, and can
 * be told to refuse recipients or messages with a given reply code.
 */
export class TestSmtpServer {
  readonly received: ReceivedEmail[] = [];
  /** Reply code to refuse a recipient with, or undefined to accept it. */
  refuseRecipient: (address: string) => number | undefined = () => undefined;
  /** Reply code to refuse a whole message with, or undefined to accept it. */
  refuseMessage: () => number | undefined = () => undefined;
  private readonly events = new EventEmitter();

  static async start(port = 0): Promise<TestSmtpServer> {
    const instance = new TestSmtpServer();
    await instance.listen(port);
    return instance;
  }

  private readonly server: SMTPServer;

  private constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        const code = this.refuseRecipient(address.address);
        callback(code ? smtpError(code, `Refusing ${address.address}`) : null);
      },
      onData: (stream, session, callback) => {
        const code = this.refuseMessage();
        simpleParser(stream)
          .then(mail => {
            if (code) {
              callback(smtpError(code, 'Refusing message'));
              return;
            }
            this.received.push({
              envelopeTo: session.envelope.rcptTo.map(r => r.address),
              envelopeFrom: session.envelope.mailFrom
                ? session.envelope.mailFrom.address
                : '',
              mail,
              receivedAt: Date.now(),
            });
            callback(null);
            this.events.emit('received');
          })
          .catch(error => callback(error));
      },
    });
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
  }

  get port(): number {
    return (this.server.server.address() as AddressInfo).port;
  }

  /** Resolves once at least `count` messages have arrived. */
  async waitFor(count: number, timeoutMs = 10_000): Promise<ReceivedEmail[]> {
    const deadline = AbortSignal.timeout(timeoutMs);
    while (this.received.length < count) {
      try {
        await once(this.events, 'received', { signal: deadline });
      } catch {
        throw new Error(
          `Expected ${count} email(s) within ${timeoutMs} ms, got ${this.received.length}`,
        );
      }
    }
    return this.received;
  }

  recipients(): string[] {
    return this.received.flatMap(r => r.envelopeTo).sort();
  }

  close(): Promise<void> {
    return new Promise(resolve => this.server.close(() => resolve()));
  }
}
