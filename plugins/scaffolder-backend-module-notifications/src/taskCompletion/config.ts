import { RootConfigService } from '@backstage/backend-plugin-api';

/** The tag a template carries to keep its runs quiet. */
export const DEFAULT_OPT_OUT_TAG = 'no-task-notification';
/** The topic of every completion notification; users can mute it. */
export const TASK_COMPLETION_TOPIC = 'scaffolder-task';

export type TaskCompletionConfig = {
  enabled: boolean;
  optOutTag: string;
};

export function readTaskCompletionConfig(
  config: RootConfigService,
): TaskCompletionConfig {
  const section = config.getOptionalConfig(
    'scaffolder.notifications.taskCompletion',
  );
  return {
    enabled: section?.getOptionalBoolean('enabled') ?? true,
    optOutTag: section?.getOptionalString('optOutTag') ?? DEFAULT_OPT_OUT_TAG,
  };
}
