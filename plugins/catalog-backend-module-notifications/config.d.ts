export interface Config {
  catalog?: {
    /**
     * Notifications to entity owners, sent by
     * `@herald/plugin-catalog-backend-module-notifications`.
     */
    notifications?: {
      /** An entity was processed for the first time. */
      discovered?: {
        /** Default true. */
        enabled?: boolean;
        /** Default `catalog-entity-discovered`. */
        topic?: string;
      };
      /** An entity's processing started failing. */
      processingFailed?: {
        /** Default true. */
        enabled?: boolean;
        /** Default `catalog-entity-processing-failed`. */
        topic?: string;
      };
      /** An entity that was failing processed without errors again. */
      processingRecovered?: {
        /** Default true. */
        enabled?: boolean;
        /** Default `catalog-entity-processing-recovered`. */
        topic?: string;
      };
    };
  };
}
