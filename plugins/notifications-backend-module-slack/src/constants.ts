/**
 * The entity annotation naming where a user's or a group's Slack messages go:
 * any destination `chat.postMessage` accepts, preferably an id (a user
 * `U…`, a channel `C…`, a DM `D…`, a user group `S…`), or else a channel
 * name or a user's email address. Same key as upstream.
 *
 * @public
 */
export const ANNOTATION_SLACK_BOT_NOTIFY = 'slack.com/bot-notify';

/** The settings channel id users switch Slack off with; upstream's name. */
export const SLACK_CHANNEL = 'SlackNotificationProcessor';

/** Payload metadata key naming the channel a group notification goes to. */
export const SLACK_CHANNEL_METADATA_KEY = 'slackChannel';
