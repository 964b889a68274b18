import { HumanDuration } from '@backstage/types';

export interface Config {
  app: {
    /**
     * Base URL of the frontend; relative notification links are resolved
     * against it when they are validated.
     */
    baseUrl: string;
  };

  notifications?: {
    /**
     * How long notifications are kept, counted from their last update
     * (or creation). `false` keeps them forever. Default one year.
     */
    retention?: HumanDuration | string | false;

    /**
     * Default user settings. A channel with `enabled: false` is opt-in: its
     * origins and topics are off unless a user turns them on.
     */
    defaultSettings?: {
      channels?: Array<{
        id: string;
        enabled?: boolean;
        origins?: Array<{
          id: string;
          enabled: boolean;
          topics?: Array<{
            id: string;
            enabled: boolean;
          }>;
        }>;
      }>;
    };

    /**
     * Largest JSON body `POST /notifications` accepts: a number of bytes or
     * a size such as `'2mb'`. Larger bodies are answered with 413. Other
     * endpoints keep a 100 kB limit. Default `'1mb'`, room for a send to
     * 10,000 explicit user refs.
     */
    maxRequestBodySize?: number | string;

    /**
     * Longest a processor's processOptions or preProcess may take before it
     * is skipped for that send. Default 5 seconds.
     */
    processorTimeout?: HumanDuration | string;

    /**
     * On PostgreSQL, run the inbox's reads as named prepared statements,
     * parsed once per connection. Default true. Turn it off behind a
     * connection pooler in transaction mode that does not carry prepared
     * statements between server connections (PgBouncer before 1.21, or with
     * `max_prepared_statements` at 0). Other databases ignore it.
     */
    preparedStatements?: boolean;

    /** The durable outbox that runs processors' postProcess after a send. */
    outbox?: {
      /** Jobs delivered at the same time. Default 10. */
      concurrency?: number;
      /** Attempts before a job is dead-lettered. Default 8. */
      maxAttempts?: number;
      /** First retry delay, doubled per attempt. Default 5 seconds. */
      initialBackoff?: HumanDuration | string;
      /** Longest retry delay. Default 1 hour. */
      maxBackoff?: HumanDuration | string;
      /** How often the worker looks for due jobs. Default 5 seconds. */
      pollInterval?: HumanDuration | string;
      /** Longest a single postProcess call may take. Default 1 minute. */
      timeout?: HumanDuration | string;
      /** How long a taken job stays reserved; longer than `timeout`. Default 5 minutes. */
      leaseDuration?: HumanDuration | string;
    };
  };
}
