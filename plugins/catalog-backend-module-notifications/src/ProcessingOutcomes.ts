import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogProcessor } from '@backstage/plugin-catalog-node';

/**
 * The events topic the catalog's processing engine publishes a run's errors
 * on, once per run that has any (`CATALOG_ERRORS_TOPIC` of
 * `@backstage/plugin-catalog-backend`).
 */
export const CATALOG_ERRORS_TOPIC = 'experimental.catalog.errors';

/**
 * How long a run that reached the end of processing waits for an errors
 * event before it counts as a success. The engine publishes the event right
 * after the run, once its cache update is written.
 */
const SETTLE_MS = 2000;
/** Runs that never ended (the engine itself failed) are forgotten after this. */
const FORGET_MS = 10 * 60 * 1000;

export type Outcome = { ref: string; entity?: Entity; errors?: string[] };

type Seen = { entity: Entity; at: number };

const key = (ref: string) => ref.toLocaleLowerCase('en-US');

/**
 * Collects the outcome of each processing run on this replica: the processor
 * sees a run start and reach the end of processing, and the errors event says
 * it failed. A run that reached the end and got no errors event within the
 * settle time succeeded.
 */
export class ProcessingOutcomes {
  private readonly running = new Map<string, Seen>();
  private readonly succeeded = new Map<string, Seen>();
  private readonly failed = new Map<string, Outcome>();

  constructor(
    private readonly options: {
      /** Records the entity before its run can count as a success. */
      prepare: (ref: string) => Promise<void>;
      logger: LoggerService;
      now?: () => number;
    },
  ) {}

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  /** A catalog processor that reports runs to this collector. */
  processor(): CatalogProcessor {
    return {
      getProcessorName: () => 'HeraldNotificationsProcessor',
      preProcessEntity: async entity => {
        this.running.set(key(stringifyEntityRef(entity)), {
          entity,
          at: this.now(),
        });
        return entity;
      },
      postProcessEntity: async entity => {
        const ref = stringifyEntityRef(entity);
        try {
          await this.options.prepare(ref);
        } catch (error) {
          // Never fail the entity's processing for a notification; the next
          // run tries again.
          this.options.logger.warn(
            `Could not record ${ref} for notifications: ${error}`,
          );
          return entity;
        }
        this.running.delete(key(ref));
        // A success waiting to settle keeps its time, so that runs closer
        // together than the settle time cannot hold it back for ever.
        const pending = this.succeeded.get(key(ref));
        this.succeeded.set(key(ref), {
          entity,
          at: pending?.at ?? this.now(),
        });
        return entity;
      },
    };
  }

  /** Handles a payload of {@link CATALOG_ERRORS_TOPIC}. */
  runFailed(payload: unknown) {
    const { entity: ref, errors } = (payload ?? {}) as {
      entity?: unknown;
      errors?: unknown;
    };
    if (typeof ref !== 'string') {
      return;
    }
    // Errors found after the end of processing (say, a processor's emitted
    // error) come after the run was seen to reach the end.
    const seen = this.running.get(key(ref)) ?? this.succeeded.get(key(ref));
    this.running.delete(key(ref));
    this.succeeded.delete(key(ref));
    this.failed.set(key(ref), {
      ref,
      entity: seen?.entity,
      errors: (Array.isArray(errors) ? errors : []).map(error =>
        String((error as { message?: unknown })?.message ?? error),
      ),
    });
  }

  /** Takes the outcomes that are settled, leaving the rest for later. */
  take(): { succeeded: Outcome[]; failed: Outcome[] } {
    const now = this.now();
    const succeeded: Outcome[] = [];
    for (const [ref, seen] of this.succeeded) {
      if (now - seen.at >= SETTLE_MS) {
        this.succeeded.delete(ref);
        succeeded.push({
          ref: stringifyEntityRef(seen.entity),
          entity: seen.entity,
        });
      }
    }
    for (const [ref, seen] of this.running) {
      if (now - seen.at >= FORGET_MS) {
        this.running.delete(ref);
      }
    }
    const failed = [...this.failed.values()];
    this.failed.clear();
    return { succeeded, failed };
  }
}
