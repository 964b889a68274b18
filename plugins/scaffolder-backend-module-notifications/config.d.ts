export interface Config {
  scaffolder?: {
    notifications?: {
      /** Notifying the user who started a task of how it ended. */
      taskCompletion?: {
        /** Turns the notifications off for every template. Default true. */
        enabled?: boolean;
        /**
         * Templates with this tag in `metadata.tags` are never notified.
         * Default `no-task-notification`.
         */
        optOutTag?: string;
      };
    };
  };
}
