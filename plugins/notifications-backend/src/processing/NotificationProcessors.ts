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
   * accept it and, for a user's notification, whose channel the user left on.
   */
  select(
    payload: NotificationPayload,
    channelEnabled?: ChannelCheck,
  ): NotificationProcessor[] {
    return this.processors().filter(processor => {
      try {
        const filters = processor.getNotificationFilters?.() ?? {};
        return (
          matchesProcessorFilters(payload, filters) &&
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
    let current = options;
    for (const processor of this.select(options.payload ?? { title: '' })) {
      if (!processor.processOptions) {
        continue;
      }
      try {
        current = await withTimeout(
          processor.processOptions(current),
          this.timeoutMs,
          `processOptions of ${processor.getName()}`,
        );
      } catch (error) {
        this.logger.error(
          `Error while processing notification options with ${processor.getName()}`,
          toError(error),
        );
      }
    }
    return current;
  }

  /** Chains the given processors' preProcess over one notification. */
  async preProcess(
    processors: NotificationProcessor[],
    notification: Notification,
    options: NotificationSendOptions,
  ): Promise<Notification> {
    let current = notification;
    for (const processor of processors) {
      if (!processor.preProcess) {
        continue;
      }
      try {
        const result = await withTimeout(
          processor.preProcess(current, options),
          this.timeoutMs,
          `preProcess of ${processor.getName()}`,
        );
        if (result) {
          current = result;
        }
      } catch (error) {
        this.logger.error(
          `Error while pre-processing notification with ${processor.getName()}`,
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
