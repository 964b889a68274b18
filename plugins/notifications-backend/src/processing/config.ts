import { Config } from '@backstage/config';
import { readDurationMs } from '@herald/plugin-notifications-common';

/** `notifications.processorTimeout`: how long processOptions and preProcess may take. */
export function readProcessorTimeoutMs(config: Config): number {
  return readDurationMs(config, 'notifications.processorTimeout', 5_000);
}
