import { ConfigReader } from '@backstage/config';
import { annotationUrlProblem, readTeamsConfig, routeMatches } from './config';

function read(msteams: object) {
  return readTeamsConfig(
    new ConfigReader({ notifications: { processors: { msteams } } }),
  );
}

describe('readTeamsConfig', () => {
  it('is undefined without a route URL or entity webhooks', () => {
    expect(readTeamsConfig(new ConfigReader({}))).toBeUndefined();
    expect(read({ routes: [{ name: 'unset' }] })).toBeUndefined();
    expect(read({ entityWebhooks: { enabled: false } })).toBeUndefined();
  });

  it('reads routes and the Power Automate hosts by default', () => {
    const config = read({
      routes: [
        {
          webhookUrl: 'https://prod-1.westus.logic.azure.com/workflows/x',
          filter: { origins: ['plugin:ci'], minSeverity: 'high' },
        },
      ],
      entityWebhooks: { enabled: true },
    })!;
    expect(config.routes).toEqual([
      expect.objectContaining({
        name: 'route 1',
        origins: ['plugin:ci'],
        filters: expect.objectContaining({ minSeverity: 'high' }),
      }),
    ]);
    expect(config.annotationHosts).toContain('logic.azure.com');
    expect(config.requestTimeoutMs).toBe(10_000);
  });

  it('refuses a route URL that is not http(s)', () => {
    expect(() =>
      read({ routes: [{ webhookUrl: 'file:///etc/passwd' }] }),
    ).toThrow(/routes\[0\]\.webhookUrl is not an http\(s\) URL/);
  });
});

describe('routeMatches', () => {
  const route = read({
    routes: [
      {
        webhookUrl: 'https://x.logic.azure.com/w',
        filter: {
          origins: ['plugin:ci'],
          includedTopics: ['deploy'],
          minSeverity: 'normal',
        },
      },
    ],
  })!.routes[0];

  it.each([
    ['plugin:ci', 'deploy', 'high', true],
    ['plugin:other', 'deploy', 'high', false],
    ['plugin:ci', 'lunch', 'high', false],
    ['plugin:ci', 'deploy', 'low', false],
  ] as const)('%s %s %s → %s', (origin, topic, severity, expected) => {
    expect(
      routeMatches(route, { origin, payload: { title: 't', topic, severity } }),
    ).toBe(expected);
  });
});

describe('annotationUrlProblem', () => {
  const hosts = ['logic.azure.com', 'api.powerplatform.com', '127.0.0.1'];

  it.each([
    'https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=x',
    'https://default1.ab.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/x',
    'http://127.0.0.1:7007/teams',
  ])('accepts %s', url => {
    expect(annotationUrlProblem(url, hosts)).toBeUndefined();
  });

  it.each([
    ['http://prod-1.logic.azure.com/w', /https/],
    ['https://evil-logic.azure.com/w', /not one of/],
    ['https://logic.azure.com.evil.test/w', /not one of/],
    ['http://169.254.169.254/latest', /not one of/],
    ['not a url', /not a URL/],
  ])('refuses %s', (url, problem) => {
    expect(annotationUrlProblem(url, hosts)).toMatch(problem);
  });
});
