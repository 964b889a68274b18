import {
  DefaultEmailTemplate,
  EmailRenderer,
  notificationUrl,
} from './template';
import { makeNotification } from './__testUtils__/startEmailModule';

const baseUrl = 'https://backstage.example.com';

describe('notificationUrl', () => {
  it.each([
    [undefined, `${baseUrl}/notifications`],
    ['/catalog', `${baseUrl}/catalog`],
    ['docs/x', `${baseUrl}/docs/x`],
    ['https://ci.example.com/run/1', 'https://ci.example.com/run/1'],
    // eslint-disable-next-line no-script-url
    ['javascript:alert(1)', `${baseUrl}/notifications`],
  ])('resolves %j to %s', (link, url) => {
    expect(notificationUrl(makeNotification({ link }), `${baseUrl}/`)).toBe(
      url,
    );
  });
});

describe('DefaultEmailTemplate', () => {
  const template = new DefaultEmailTemplate(baseUrl);

  it('escapes the payload and renders the markdown body as text', () => {
    const rendered = template.render(
      makeNotification({
        title: 'Line\r\nBreak <i>title</i>',
        description: 'first <b>\nsecond & "third"',
        link: '/x?a=1&b=<2>',
        metadata: {
          'backstage.io/body.markdown':
            '# Heading\n<img src=x onerror=alert(1)>',
        },
      }),
    );
    expect(rendered.subject).toBe('Line Break <i>title</i>');
    expect(rendered.text).toBe(
      `first <b>\nsecond & "third"\n\n# Heading\n<img src=x onerror=alert(1)>\n\n${baseUrl}/x?a=1&b=%3C2%3E`,
    );
    expect(rendered.html).toContain(
      '<p>first &lt;b&gt;<br>\nsecond &amp; &quot;third&quot;</p>',
    );
    expect(rendered.html).toContain(
      '# Heading\n&lt;img src=x onerror=alert(1)&gt;</pre>',
    );
    expect(rendered.html).toContain(
      `<a href="${baseUrl}/x?a=1&amp;b=%3C2%3E">${baseUrl}/x?a=1&amp;b=%3C2%3E</a>`,
    );
    expect(rendered.html).not.toMatch(/<(b|i|img)[ >]/);
  });

  it('renders only the link without a description', () => {
    const rendered = template.render(makeNotification());
    expect(rendered.text).toBe(`${baseUrl}/notifications`);
  });
});

describe('EmailRenderer', () => {
  const defaults = new DefaultEmailTemplate(baseUrl);

  it('uses the default template without a custom renderer', async () => {
    const notification = makeNotification({ description: 'd' });
    await expect(
      new EmailRenderer(defaults).render(notification),
    ).resolves.toEqual(defaults.render(notification));
  });

  it('falls back to the title for the subject and leaves out missing parts', async () => {
    const renderer = new EmailRenderer(defaults, {
      async getText(n) {
        return `text for ${n.id}`;
      },
    });
    const notification = makeNotification();
    await expect(renderer.render(notification)).resolves.toEqual({
      subject: 'Build failed',
      text: `text for ${notification.id}`,
      html: undefined,
    });
  });

  it('uses the renderer’s subject and leaves out the text part when only HTML is rendered', async () => {
    const renderer = new EmailRenderer(defaults, {
      async getSubject() {
        return 'Custom subject';
      },
      async getHtml(n) {
        return `<p>${n.payload.title}</p>`;
      },
    });
    await expect(
      renderer.render(makeNotification({ description: 'd' })),
    ).resolves.toEqual({
      subject: 'Custom subject',
      text: undefined,
      html: '<p>Build failed</p>',
    });
  });
});
