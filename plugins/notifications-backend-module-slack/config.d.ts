import { HumanDuration } from '@backstage/types';

export interface Config {
  notifications?: {
    processors?: {
      /**
       * One entry per Slack workspace (one bot token each). Empty or absent
       * turns Slack delivery off.
       */
      slack?: Array<{
        /**
         * Bot token (`xoxb-…`) with the `chat:write`, `users:read`,
         * `users:read.email` and `im:write` scopes. An entry without a token
         * (its environment variable unset) is skipped.
         * @visibility secret
         */
        token?: string;
        /** Name shown as the sender of the messages. */
        username?: string;
        /**
         * Where broadcasts go when no route matches: channel ids or names,
         * or user ids.
         * @deprecated Use broadcastRoutes for more control.
         */
        broadcastChannels?: string[];
        /**
         * Broadcast routes by origin and/or topic. An origin and topic match
         * wins over an origin-only match, which wins over a topic-only match;
         * within each, the first route in the list.
         */
        broadcastRoutes?: Array<{
          /** The origin to match, such as `plugin:catalog`. */
          origin?: string;
          /** The topic to match. */
          topic?: string;
          /** Channel(s) to post to: ids, names or user ids. */
          channel: string | string[];
        }>;
        /** Posts allowed per `throttleInterval` per backend instance; default 10. */
        concurrencyLimit?: number;
        /** The window of `concurrencyLimit`; default 1 minute. */
        throttleInterval?: HumanDuration | string;
        /**
         * Base URL of the Web API, default `https://slack.com/api/`. For a
         * Slack API proxy, or a local Slack stand-in when testing.
         */
        apiUrl?: string;
      }>;
    };
  };
}
