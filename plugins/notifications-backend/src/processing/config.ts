import { Config } from '@backstage/config';
import { readOptionalDurationMs } from '../outbox';

/** `notifications.processorTimeout`: how long processOptions and preProcess may take. */
export function readProcessorTimeoutMs(config: Config): number {
  return readOptionalDurationMs(config, 'notifications.processorTimeout', 5_000);
}
