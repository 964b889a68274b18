import { Notification } from '@herald/plugin-notifications-common';
import { plainCardText, renderTeamsMessage } from './card';

const BASE = 'https://portal.example.com/herald';

function notification(payload: Partial<Notification['payload']>): Notification {
  return {
    id: 'n1',
    user: null,
    created: new Date('2026-01-01T00:00:00Z'),
    origin: 'plugin:catalog',
    payload: { title: 'Title', ...payload },
  };
}

describe('renderTeamsMessage', () => {
  it('wraps one Adaptive Card in the Workflows message shape', () => {
    const message = renderTeamsMessage(
      notification({ severity: 'critical', topic: 'db', link: '/catalog' }),
      BASE,
    ) as any;
    expect(message.type).toBe('message');
    expect(message.attachments).toHaveLength(1);
    const [attachment] = message.attachments;
    expect(attachment.contentType).toBe(
      'application/vnd.microsoft.card.adaptive',
    );
    expect(attachment.content).toMatchObject({
      type: 'AdaptiveCard',
      version: '1.4',
      body: [
        {
          type: 'RichTextBlock',
          inlines: [{ text: 'Title', color: 'Attention', weight: 'Bolder' }],
        },
        {
          type: 'RichTextBlock',
          inlines: [
            {
              text: 'Severity: critical  ·  Topic: db  ·  From: plugin:catalog',
            },
          ],
        },
      ],
      actions: [
        {
          type: 'Action.OpenUrl',
          url: 'https://portal.example.com/herald/catalog',
        },
      ],
    });
  });

  it('has no button without a usable link, and normal severity by default', () => {
    // The script URL is the input under test, not something evaluated.
    // eslint-disable-next-line no-script-url
    const scriptLink = 'javascript:alert(1)';
    const message = renderTeamsMessage(
      notification({ link: scriptLink }),
      BASE,
    ) as any;
    expect(message.attachments[0].content.actions).toBeUndefined();
    expect(message.attachments[0].content.body[1].inlines[0].text).toMatch(
      /^Severity: normal/,
    );
  });
});

describe('plainCardText', () => {
  it('keeps markup as text and breaks card templating', () => {
    expect(
      plainCardText('[x](https://e.test) {{DATE(2026-01-01T00:00:00Z)}}', 100),
    ).toBe('[x](https://e.test) {\u200b{DATE(2026-01-01T00:00:00Z)}}');
  });

  it('drops control characters but keeps line breaks, and truncates', () => {
    expect(plainCardText('a\u0000b\nc\u001bd', 100)).toBe('ab\ncd');
    expect(plainCardText('abcdef', 4)).toBe('abc…');
  });
});
