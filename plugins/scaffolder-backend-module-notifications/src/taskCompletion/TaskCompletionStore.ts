import { DatabaseService } from '@backstage/backend-plugin-api';
import { migrateModuleDatabase } from '@herald/plugin-notifications-node';
import { Knex } from 'knex';

const TABLE = 'herald_task_completion_notification';
/** Kept apart from the scaffolder's own migration history. */
const MIGRATIONS_TABLE = 'herald_task_completion_knex_migrations';

/** How a task run ended, as its starter is told. */
export type TaskOutcome = 'completed' | 'failed' | 'cancelled';

/** What the notifier learnt about a run when a worker claimed it. */
export type TaskRun = {
  taskId: string;
  createdBy?: string;
  templateTitle?: string;
  optedOut: boolean;
};

/**
 * The runs the notifier has seen, shared by every replica through the
 * scaffolder's database.
 */
export class TaskCompletionStore {
  static async create(database: DatabaseService): Promise<TaskCompletionStore> {
    const knex = await migrateModuleDatabase(database, {
      packageName: '@herald/plugin-scaffolder-backend-module-notifications',
      migrationsTable: MIGRATIONS_TABLE,
    });
    return new TaskCompletionStore(knex);
  }

  private constructor(private readonly knex: Knex) {}

  /**
   * A worker claimed the run. A cancellation requested while the task still
   * waited for a worker stands; a run claimed again after it was notified is
   * a retry and starts afresh.
   */
  async runStarted(run: TaskRun): Promise<void> {
    const details = {
      created_by: run.createdBy ?? null,
      template_title: run.templateTitle?.slice(0, 255) ?? null,
      opted_out: run.optedOut,
    };
    await this.knex(TABLE)
      .insert({ task_id: run.taskId, ...details })
      .onConflict('task_id')
      .merge(['created_by', 'template_title', 'opted_out']);
    await this.knex(TABLE)
      .where({ task_id: run.taskId })
      .whereNotNull('notified_status')
      .update({ cancel_requested: false, notified_status: null });
  }

  async cancelRequested(taskId: string): Promise<void> {
    await this.knex(TABLE)
      .insert({ task_id: taskId, cancel_requested: true })
      .onConflict('task_id')
      .merge(['cancel_requested']);
  }

  /**
   * Records the outcome of a run and returns the run if this call is the one
   * that recorded it: a conditional update, so of several replicas handling
   * the same completion exactly one gets the run back. A run that started
   * before this module was installed has no row yet and is inserted instead.
   */
  async claimCompletion(
    taskId: string,
    status: 'completed' | 'failed' | 'cancelled',
  ): Promise<(TaskRun & { outcome: TaskOutcome }) | undefined> {
    await this.knex(TABLE)
      .insert({ task_id: taskId })
      .onConflict('task_id')
      .ignore();
    const [row] = await this.knex(TABLE).where({ task_id: taskId });
    if (!row) {
      return undefined;
    }
    const outcome: TaskOutcome =
      status === 'failed' && row.cancel_requested ? 'cancelled' : status;
    const updated = await this.knex(TABLE)
      .where({ task_id: taskId })
      .whereNull('notified_status')
      .update({ notified_status: outcome });
    if (updated !== 1) {
      return undefined;
    }
    return {
      taskId,
      createdBy: row.created_by ?? undefined,
      templateTitle: row.template_title ?? undefined,
      optedOut: Boolean(row.opted_out),
      outcome,
    };
  }
}
