import { HumanDuration } from '@backstage/types';

export interface Config {
  notifications?: {
    processors?: {
      /** Configuration of the Email notification processor. */
      email?: {
        /** How messages leave the backend. */
        transportConfig:
          | {
              transport: 'smtp';
              /** SMTP server host name. */
              hostname: string;
              /** SMTP server port. */
              port: number;
              /** Use TLS from the start of the connection (port 465). Defaults to false. */
              secure?: boolean;
              /** Refuse to send unless the server upgrades the connection with STARTTLS. Defaults to false. */
              requireTls?: boolean;
              /** SMTP user; authentication is used when both username and password are set. */
              username?: string;
              /**
               * SMTP password.
               * @visibility secret
               */
              password?: string;
            }
          | {
              transport: 'sendmail';
              /** Path of the sendmail binary. Defaults to /usr/sbin/sendmail. */
              path?: string;
              /** Line endings handed to sendmail. Defaults to unix. */
              newline?: 'unix' | 'windows';
            }
          | {
              transport: 'ses';
              /** AWS region of the SES endpoint. */
              region?: string;
              /** AWS account whose credentials (from the top-level `aws` config) are used. */
              accountId?: string;
              /** A custom SES endpoint URL. */
              endpoint?: string;
              /** SES API version passed to the client. */
              apiVersion?: string;
            }
          | {
              /** Renders messages without sending them; for local development. */
              transport: 'stream';
            };
        /** The From address, either `user@example.com` or `Name <user@example.com>`. */
        sender: string;
        /** An optional Reply-To address. */
        replyTo?: string;
        /** SES sending options, used with the ses transport only. */
        sesConfig?: {
          /** Sets FromEmailAddressIdentityArn on every message. */
          fromArn?: string;
          /** Sets ConfigurationSetName on every message. */
          configurationSetName?: string;
        };
        /**
         * Messages allowed to start per throttleInterval, across all notifications
         * handled by this backend instance. Defaults to 2.
         */
        concurrencyLimit?: number;
        /** The window of the rate limit. Defaults to 100 milliseconds. */
        throttleInterval?: HumanDuration | string;
        /** Caching of user email addresses looked up in the catalog. */
        cache?: {
          /** How long a lookup is reused. Defaults to 1 hour. */
          ttl?: HumanDuration | string;
        };
        /** Who receives broadcast notifications by email. */
        broadcastConfig?: {
          /** none (default): nobody; users: every catalog user with an email; config: receiverEmails. */
          receiver: 'none' | 'users' | 'config';
          /** Addresses that receive broadcasts when receiver is config. */
          receiverEmails?: string[];
        };
        /** Which notifications are emailed at all. */
        filter?: {
          /** Skip notifications less severe than this. */
          minSeverity?: 'critical' | 'high' | 'normal' | 'low';
          /** Skip notifications more severe than this. */
          maxSeverity?: 'critical' | 'high' | 'normal' | 'low';
          /** Skip notifications with one of these topics. */
          excludedTopics?: string[];
          /** Email only notifications with one of these topics. */
          includedTopics?: string[];
        };
        /** Only addresses in these domains (exact, case-insensitive) receive email. */
        allowedEmailDomains?: string[];
        /**
         * Addresses that always receive email, whatever their domain. When set
         * without allowedEmailDomains, only these addresses receive email.
         */
        allowlistEmailAddresses?: string[];
        /** Addresses that never receive email; applied last. */
        denylistEmailAddresses?: string[];
        /**
         * Email digests: notifications collected and sent as one message per
         * hour or day. A user's own choice wins over these defaults; critical
         * notifications and broadcasts are always emailed instantly.
         */
        digest?: {
          /** The delivery for users who have not chosen one. Defaults to instant. */
          defaultFrequency?: 'instant' | 'hourly' | 'daily';
          /** The delivery per topic for users who have not chosen one; wins over defaultFrequency. */
          topics?: { [topic: string]: 'instant' | 'hourly' | 'daily' };
          /** The hour (0-23, UTC) daily digests go out. Defaults to 8. */
          dailyHourUtc?: number;
          /** How often due digests are looked for. Defaults to 5 minutes. */
          checkInterval?: HumanDuration | string;
        };
      };
    };
  };
}
