import { LoggerService } from '@backstage/backend-plugin-api';
import { EventParams } from '@backstage/plugin-events-node';
import { NotificationService } from '@herald/plugin-notifications-node';
import { NotificationSeverity } from '@herald/plugin-notifications-common';
import { TASK_COMPLETION_TOPIC } from './config';
import { TaskCompletionStore, TaskOutcome } from './TaskCompletionStore';

/** The events topic the scaffolder's task store publishes on. */
export const SCAFFOLDER_TASK_TOPIC = 'scaffolder.task';

const ENDINGS = new Set(['completed', 'failed', 'cancelled']);

const WORDING: Record<
  TaskOutcome,
  { verb: string; severity: NotificationSeverity }
> = {
  completed: { verb: 'completed', severity: 'normal' },
  failed: { verb: 'failed', severity: 'high' },
  cancelled: { verb: 'was cancelled', severity: 'low' },
};

type TaskEventPayload = {
  id?: unknown;
  taskId?: unknown;
  status?: unknown;
  createdBy?: unknown;
  spec?: {
    templateInfo?: {
      entityRef?: string;
      entity?: {
        metadata?: { name?: string; title?: string; tags?: string[] };
      };
    };
  };
};

const asString = (value: unknown) =>
  typeof value === 'string' && value ? value : undefined;

/**
 * Tells the user who started a scaffolder task how it ended, from the task
 * store's `scaffolder.task` events: a claim by a worker records the run, a
 * cancellation request marks it, and the completion sends one notification.
 *
 * A cancelled run ends as `failed` in the task store once its steps abort;
 * the earlier cancellation request is what tells the two apart.
 */
export class TaskCompletionNotifier {
  /** Events of one task are handled in order, one at a time. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly options: {
      store: TaskCompletionStore;
      notifications: NotificationService;
      logger: LoggerService;
      optOutTag: string;
    },
  ) {}

  onEvent = async (event: EventParams): Promise<void> => {
    const payload = (event.eventPayload ?? {}) as TaskEventPayload;
    // A cancellation request names the task in `taskId`; `id` is its event.
    const taskId = asString(payload.taskId) ?? asString(payload.id);
    if (!taskId) {
      return;
    }
    const previous = this.queues.get(taskId) ?? Promise.resolve();
    const next = previous.then(() => this.handle(taskId, payload));
    this.queues.set(taskId, next);
    try {
      await next;
    } catch (error) {
      this.options.logger.warn(
        `Failed to handle scaffolder task event for ${taskId}: ${error}`,
      );
    } finally {
      if (this.queues.get(taskId) === next) {
        this.queues.delete(taskId);
      }
    }
  };

  private async handle(taskId: string, payload: TaskEventPayload) {
    const { store } = this.options;
    const status = asString(payload.status);
    if (status === 'processing') {
      const metadata = payload.spec?.templateInfo?.entity?.metadata;
      await store.runStarted({
        taskId,
        createdBy: asString(payload.createdBy),
        templateTitle:
          metadata?.title ??
          metadata?.name ??
          payload.spec?.templateInfo?.entityRef,
        optedOut: (metadata?.tags ?? []).includes(this.options.optOutTag),
      });
      return;
    }
    if (status === 'cancelled' && asString(payload.taskId)) {
      await store.cancelRequested(taskId);
      return;
    }
    if (!status || !ENDINGS.has(status)) {
      return;
    }
    const run = await store.claimCompletion(
      taskId,
      status as 'completed' | 'failed' | 'cancelled',
    );
    const recipient = asString(payload.createdBy) ?? run?.createdBy;
    if (!run || run.optedOut || !recipient) {
      return;
    }
    const { verb, severity } = WORDING[run.outcome];
    const what = run.templateTitle
      ? `“${run.templateTitle}”`
      : 'Your scaffolder task';
    await this.options.notifications.send({
      recipients: { type: 'entity', entityRef: recipient },
      payload: {
        title: `${what} ${verb}`,
        description: `Scaffolder task ${taskId} ${verb}.`,
        link: `/create/tasks/${encodeURIComponent(taskId)}`,
        severity,
        topic: TASK_COMPLETION_TOPIC,
        scope: `scaffolder-task:${taskId}`,
      },
    });
  }
}
