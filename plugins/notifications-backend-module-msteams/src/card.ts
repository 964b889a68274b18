import {
  Notification,
  NotificationSeverity,
  normalizeSeverity,
} from '@herald/plugin-notifications-common';
import { outboundNotificationLink } from '@herald/plugin-notifications-node';

const MAX_TITLE_LENGTH = 300;
/** Teams refuses messages above about 28 KB; the description stays well under. */
const MAX_DESCRIPTION_LENGTH = 8000;

const SEVERITY_COLORS: Record<NotificationSeverity, string> = {
  critical: 'Attention',
  high: 'Warning',
  normal: 'Default',
  low: 'Default',
};

/** C0 controls and DEL, apart from tab, line feed and carriage return. */
function isDroppedControl(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
    code === 0x7f
  );
}

/**
 * Text as a card shows it, never as markup. TextRuns are not read as
 * Markdown, and Teams only turns `<at>` into a mention when the card lists
 * the mentioned person, which these cards never do. What is left to break is
 * the `{{DATE()}}`/`{{TIME()}}` templating, and control characters.
 */
export function plainCardText(text: string, maxLength: number): string {
  const cleaned = Array.from(text)
    .filter(char => !isDroppedControl(char.charCodeAt(0)))
    .join('')
    .replace(/\{\{/g, '{\u200b{');
  return cleaned.length > maxLength
    ? `${cleaned.slice(0, maxLength - 1)}…`
    : cleaned;
}

function textRun(text: string, extra: Record<string, unknown> = {}) {
  return { type: 'TextRun', text, ...extra };
}

/**
 * The Workflows "post card" request body: one message with one Adaptive Card
 * holding the title, the severity, the description and a button to the
 * notification's link.
 */
export function renderTeamsMessage(
  notification: Notification,
  appBaseUrl: string,
): object {
  const { payload } = notification;
  const severity = normalizeSeverity(payload.severity);
  const link = outboundNotificationLink(payload.link, appBaseUrl);
  const context = [
    `Severity: ${severity}`,
    ...(payload.topic ? [`Topic: ${payload.topic}`] : []),
    `From: ${notification.origin}`,
  ].join('  ·  ');
  const body: object[] = [
    {
      type: 'RichTextBlock',
      inlines: [
        textRun(plainCardText(payload.title, MAX_TITLE_LENGTH), {
          weight: 'Bolder',
          size: 'Medium',
          color: SEVERITY_COLORS[severity],
        }),
      ],
    },
    {
      type: 'RichTextBlock',
      spacing: 'None',
      inlines: [
        textRun(plainCardText(context, MAX_TITLE_LENGTH), {
          isSubtle: true,
          size: 'Small',
        }),
      ],
    },
  ];
  if (payload.description) {
    body.push({
      type: 'RichTextBlock',
      inlines: [
        textRun(plainCardText(payload.description, MAX_DESCRIPTION_LENGTH)),
      ],
    });
  }
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body,
          ...(link
            ? {
                actions: [{ type: 'Action.OpenUrl', title: 'Open', url: link }],
              }
            : {}),
        },
      },
    ],
  };
}
