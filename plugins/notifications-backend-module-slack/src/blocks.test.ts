import { renderDescription, messageLink, renderMessage } from './blocks';

describe('renderDescription', () => {
  it('escapes mrkdwn control characters', () => {
    expect(
      renderDescription('a < b && <!channel> <http://x|y>', new Map()),
    ).toBe('a &lt; b &amp;&amp; &lt;!channel&gt; &lt;http://x|y&gt;');
  });

  it('turns user ref mentions into Slack mentions, case-insensitively', () => {
    const ids = new Map([['user:default/jane', 'U123']]);
    expect(
      renderDescription(
        'Ask <@user:default/Jane> or <@user:default/nobody>',
        ids,
      ),
    ).toBe('Ask <@U123> or user:default/nobody');
  });
});

describe('messageLink', () => {
  it('makes relative links absolute and falls back to the inbox', () => {
    const base = 'https://backstage.example.com';
    expect(messageLink({ title: 't', link: '/catalog/x' }, base)).toBe(
      'https://backstage.example.com/catalog/x',
    );
    expect(messageLink({ title: 't' }, `${base}/`)).toBe(
      'https://backstage.example.com/notifications',
    );
    // The script URL is the input under test, not something evaluated.
    // eslint-disable-next-line no-script-url
    expect(messageLink({ title: 't', link: 'javascript:alert(1)' }, base)).toBe(
      'https://backstage.example.com/notifications',
    );
  });
});

describe('renderMessage', () => {
  const notification = {
    id: 'n1',
    user: 'user:default/jane',
    created: new Date(0),
    origin: 'plugin:test',
    payload: { title: 'Deploy failed', severity: 'critical' as const },
  };

  it("has upstream's layout and severity colour", () => {
    const message = renderMessage({
      notification,
      appBaseUrl: 'http://localhost:3000',
      slackIds: new Map(),
    });
    expect(message.text).toBe('Deploy failed');
    expect(message.color).toBe('#FF0000');
    expect(message.blocks).toEqual([
      expect.objectContaining({
        type: 'section',
        text: { type: 'mrkdwn', text: 'No description provided' },
        accessory: expect.objectContaining({
          url: 'http://localhost:3000/notifications',
        }),
      }),
      {
        type: 'context',
        elements: [
          { type: 'plain_text', text: 'Severity: critical' },
          { type: 'plain_text', text: 'Topic: N/A' },
        ],
      },
    ]);
  });

  it('uses the registered renderer for the blocks', () => {
    const message = renderMessage({
      notification,
      appBaseUrl: 'http://localhost:3000',
      slackIds: new Map(),
      renderer: payload => [
        { type: 'section', text: { type: 'plain_text', text: payload.title } },
      ],
    });
    expect(message.blocks).toEqual([
      { type: 'section', text: { type: 'plain_text', text: 'Deploy failed' } },
    ]);
  });
});
