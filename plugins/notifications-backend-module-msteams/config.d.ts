export interface Config {
  notifications?: {
    processors?: {
      /**
       * Microsoft Teams cards through Power Automate Workflows webhooks. The
       * processor is registered when a route has a webhook URL or entity
       * webhooks are enabled.
       */
      msteams?: {
        /**
         * Channels that get the notifications matching their filter. A route
         * without `webhookUrl` is off, so an unset environment variable
         * leaves it out.
         */
        routes?: Array<{
          /** Names the route in logs. Defaults to `route <position>`. */
          name?: string;
          /**
           * The Workflows webhook URL ("When a Teams webhook request is
           * received"); it carries its own signature, so keep it secret.
           * @visibility secret
           */
          webhookUrl?: string;
          /** Which notifications the route takes; all of them without it. */
          filter?: {
            /** Only notifications from these origins, e.g. `plugin:catalog`. */
            origins?: string[];
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
         * Posting to the webhook in the `microsoft.com/teams-webhook-url`
         * annotation of the entities a send is addressed to.
         */
        entityWebhooks?: {
          /** Off by default: anyone who edits an entity sets the URL. */
          enabled?: boolean;
          /**
           * Hosts (and their subdomains) an annotation URL may point to.
           * Defaults to the Power Automate hosts: logic.azure.com,
           * api.powerplatform.com, api.powerautomate.com and
           * flow.microsoft.com.
           */
          allowedHosts?: string[];
        };
        /**
         * How long one POST may take: milliseconds, or a duration string
         * such as `10s` or `PT10S`. Defaults to 10 seconds.
         */
        requestTimeout?: string | number;
      };
    };
  };
}
