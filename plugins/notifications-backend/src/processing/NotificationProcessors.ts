import { LoggerService } from '@backstage/backend-plugin-api';
import {
  Notification,
  NotificationPayload,
  NotificationSendOptions,
  matchesProcessorFilters,
} from '@herald/plugin-notifications-common';
import { NotificationProcessor } from '@herald/plugin-notifications-node';
import { withTimeout } from '../outbox';

/** Whether the recipient's settings let a channel (a processor's name) through. */
export type ChannelCheck = (channel: string) => boolean;

/**
 * Runs the registered processors in registration order. A processor that
 * throws or exceeds the timeout is logged and skipped, keeping the last good
 * value, so a broken processor can neither fail a send nor hold it up longer
 * than the timeout.
 */
export class NotificationProcessors {
  constructor(
    private readonly processors: () => NotificationProcessor[],
    private readonly logger: LoggerService,
    private readonly timeoutMs: number,
  ) {}

  names(): string[] {
    return this.processors().map(processor => processor.getName());
  }

  /** Whether any registered processor decorates notifications before storing. */
  anyPreProcess(): boolean {
    return this.processors().some(processor => processor.preProcess);
  }

  /**
   * The processors a notification goes through: those whose static filters
   * accept it (a broadcast's, `broadcast`) and, for a user's notification,
   * whose channel the user left on (`channelEnabled`).
   */
  select(
    payload: NotificationPayload,
    recipients: { broadcast?: boolean; channelEnabled?: ChannelCheck } = {},
  ): NotificationProcessor[] {
    const { broadcast, channelEnabled } = recipients;
    return this.processors().filter(processor => {
      try {
        const filters = processor.getNotificationFilters?.() ?? {};
        return (
          matchesProcessorFilters(payload, filters, { broadcast }) &&
          (!channelEnabled || channelEnabled(processor.getName()))
        );
      } catch (error) {
        this.logger.error(
          `Error while reading notification filters of ${processor.getName()}`,
          toError(error),
        );
        return false;
      }
    });
  }

  /** Chains every selected processor's processOptions, before validation. */
  async processOptions(
    options: NotificationSendOptions,
  ): Promise<NotificationSendOptions> {
    return this.chain(
      this.select(options.payload ?? { title: '' }, {
        broadcast: options.recipients?.type === 'broadcast',
      }),
      options,
      'processOptions',
      'processing notification options',
      (processor, current) => processor.processOptions?.(current),
    );
  }

  /** Chains the given processors' preProcess over one notification. */
  async preProcess(
    processors: NotificationProcessor[],
    notification: Notification,
    options: NotificationSendOptions,
  ): Promise<Notification> {
    return this.chain(
      processors,
      notification,
      'preProcess',
      'pre-processing notification',
      (processor, current) => processor.preProcess?.(current, options),
    );
  }

  /**
   * Passes `initial` through one hook of each processor that has it, in
   * order. A hook that throws or runs out of time is logged and, like one
   * that gives nothing, skipped: the next gets the last good value.
   */
  private async chain<T>(
    processors: NotificationProcessor[],
    initial: T,
    hook: string,
    failing: string,
    call: (
      processor: NotificationProcessor,
      current: T,
    ) => Promise<T> | undefined,
  ): Promise<T> {
    let current = initial;
    for (const processor of processors) {
      try {
        const pending = call(processor, current);
        if (pending) {
          current =
            (await withTimeout(
              pending,
              this.timeoutMs,
              `${hook} of ${processor.getName()}`,
            )) || current;
        }
      } catch (error) {
        this.logger.error(
          `Error while ${failing} with ${processor.getName()}`,
          toError(error),
        );
      }
    }
    return current;
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
