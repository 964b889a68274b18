export interface Config {
  notifications?: {
    processors?: {
      /**
       * Signed outbound webhooks (Standard Webhooks). The processor is
       * registered when an endpoint has a URL.
       */
      webhooks?: {
        /**
         * Where notifications are POSTed. An endpoint without `url` is off,
         * so an unset environment variable leaves it out.
         */
        endpoints?: Array<{
          /**
           * Names the endpoint in logs and the delivery log; keep it stable,
           * deliveries are remembered per endpoint id.
           */
          id: string;
          /** The receiver's URL. */
          url?: string;
          /**
           * The signing secret, `whsec_` and 24 to 64 base64-encoded random
           * bytes, as shared with the receiver. Required with `url`.
           * @visibility secret
           */
          secret?: string;
          /** Which notifications the endpoint gets; all of them without it. */
          filter?: {
            /** Only notifications from these origins, e.g. `plugin:catalog`. */
            origins?: string[];
            /**
             * Only notifications for these entity refs: the recipient user,
             * or a group or other entity the send was addressed to (then all
             * its recipients match). Broadcasts never match.
             */
            recipients?: string[];
            /** Only notifications at least this severe. */
            minSeverity?: 'critical' | 'high' | 'normal' | 'low';
            /** Only notifications at most this severe. */
            maxSeverity?: 'critical' | 'high' | 'normal' | 'low';
            /** Only notifications with one of these topics. */
            includedTopics?: string[];
            /** No notifications with these topics. */
            excludedTopics?: string[];
          };
        }>;
        /**
         * How long one POST may take: milliseconds, or a duration string
         * such as `10s` or `PT10S`. Defaults to 10 seconds.
         */
        requestTimeout?: string | number;
      };
    };
  };
}
