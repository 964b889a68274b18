import { KnownBlock } from '@slack/web-api';
import {
  Notification,
  NotificationPayload,
} from '@herald/plugin-notifications-common';
import {
  notificationsInboxUrl,
  outboundNotificationLink,
} from '@herald/plugin-notifications-node';
import { SlackBlockKitRenderer } from './extensions';

const SEVERITY_COLORS: Record<string, string> = {
  critical: '#FF0000',
  high: '#FFA500',
};
const DEFAULT_COLOR = '#00A699';

/** Slack's mrkdwn treats these three as control characters. */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

const ESCAPED_MENTION = /&lt;@(user:[^&\s]+)&gt;/gi;

/** The user refs mentioned as `<@user:namespace/name>` in a text. */
export function mentionedUserRefs(text: string): string[] {
  return [...escapeMrkdwn(text).matchAll(ESCAPED_MENTION)].map(m => m[1]);
}

/**
 * Escapes the description and turns `<@user:namespace/name>` mentions into
 * Slack mentions of the users' ids; unknown users stay as plain text.
 */
export function renderDescription(
  description: string,
  slackIds: Map<string, string>,
): string {
  return escapeMrkdwn(description).replace(ESCAPED_MENTION, (_whole, ref) => {
    const id = slackIds.get(ref.toLocaleLowerCase('en-US'));
    return id ? `<@${id}>` : ref;
  });
}

export function messageLink(
  payload: NotificationPayload,
  appBaseUrl: string,
): string {
  return (
    outboundNotificationLink(payload.link, appBaseUrl) ??
    notificationsInboxUrl(appBaseUrl)
  );
}

/** Upstream's layout: description with a "View More" button, then severity and topic. */
export function defaultBlocks(
  payload: NotificationPayload,
  description: string,
  link: string,
): KnownBlock[] {
  return [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: description || 'No description provided',
      },
      accessory: {
        type: 'button',
        text: { type: 'plain_text', text: 'View More' },
        url: link,
        action_id: 'herald-view-more',
      },
    },
    {
      type: 'context',
      elements: [
        {
          type: 'plain_text',
          text: `Severity: ${payload.severity ?? 'normal'}`,
        },
        { type: 'plain_text', text: `Topic: ${payload.topic ?? 'N/A'}` },
      ],
    },
  ];
}

/** The parts of a message that are the same for every target. */
export type SlackMessageContent = {
  text: string;
  color: string;
  blocks: KnownBlock[];
};

export function renderMessage(options: {
  notification: Notification;
  appBaseUrl: string;
  slackIds: Map<string, string>;
  renderer?: SlackBlockKitRenderer;
}): SlackMessageContent {
  const { payload } = options.notification;
  const description = renderDescription(
    payload.description ?? '',
    options.slackIds,
  );
  return {
    text: payload.title,
    color: SEVERITY_COLORS[payload.severity ?? 'normal'] ?? DEFAULT_COLOR,
    blocks: options.renderer
      ? options.renderer(payload)
      : defaultBlocks(
          payload,
          description,
          messageLink(payload, options.appBaseUrl),
        ),
  };
}
