import {
  MARKDOWN_BODY_METADATA_KEY,
  Notification,
} from '@herald/plugin-notifications-common';
import {
  notificationsInboxUrl,
  outboundNotificationLink,
} from '@herald/plugin-notifications-node';
import { NotificationTemplateRenderer } from './extensions';

export type RenderedEmail = {
  subject: string;
  text?: string;
  html?: string;
};

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, c => HTML_ESCAPES[c]);
}

/**
 * The absolute URL an email points at. A link a message may not carry falls
 * back to the inbox, so a stored `javascript:` link can never end up in a
 * message.
 */
export function notificationUrl(
  notification: Notification,
  baseUrl: string,
): string {
  return (
    outboundNotificationLink(notification.payload.link, baseUrl) ??
    notificationsInboxUrl(baseUrl)
  );
}

function markdownBody(notification: Notification): string | undefined {
  const body = notification.payload.metadata?.[MARKDOWN_BODY_METADATA_KEY];
  return typeof body === 'string' && body.trim() ? body : undefined;
}

/** Header values cannot span lines; folding is left to the mailer. */
function subjectOf(notification: Notification): string {
  return notification.payload.title.replace(/\s+/g, ' ').trim();
}

/**
 * The built-in message: the title as subject; the description, the markdown
 * body (as plain text) and the link in both parts. Every value taken from the
 * payload is escaped in the HTML part.
 */
export class DefaultEmailTemplate {
  constructor(private readonly baseUrl: string) {}

  render(notification: Notification): RenderedEmail {
    const url = notificationUrl(notification, this.baseUrl);
    const description = notification.payload.description?.trim();
    const body = markdownBody(notification);

    const text = [description, body, url]
      .filter((part): part is string => !!part)
      .join('\n\n');

    const htmlParts: string[] = [];
    if (description) {
      htmlParts.push(
        `<p>${escapeHtml(description).replace(/\r?\n/g, '<br>\n')}</p>`,
      );
    }
    if (body) {
      htmlParts.push(
        `<pre style="white-space: pre-wrap; font-family: inherit">${escapeHtml(
          body,
        )}</pre>`,
      );
    }
    htmlParts.push(
      `<p><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>`,
    );

    return {
      subject: subjectOf(notification),
      text,
      html: `<!DOCTYPE html>\n<html><body>\n${htmlParts.join(
        '\n',
      )}\n</body></html>\n`,
    };
  }
}

/**
 * Renders a message with the registered renderer when there is one, and
 * with the default template otherwise.
 */
export class EmailRenderer {
  constructor(
    private readonly defaultTemplate: DefaultEmailTemplate,
    private readonly custom?: NotificationTemplateRenderer,
  ) {}

  async render(notification: Notification): Promise<RenderedEmail> {
    if (!this.custom) {
      return this.defaultTemplate.render(notification);
    }
    const [subject, text, html] = await Promise.all([
      this.custom.getSubject?.(notification),
      this.custom.getText?.(notification),
      this.custom.getHtml?.(notification),
    ]);
    return {
      subject: subject ?? subjectOf(notification),
      text,
      html,
    };
  }
}
