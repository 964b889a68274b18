import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { decodeWebhookSecret, signWebhook } from './signature';

describe('Standard Webhooks signatures', () => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const key = decodeWebhookSecret(secret, 'secret');
  const body = JSON.stringify({ type: 'notification.created', data: { a: 1 } });

  it('verifies with the standardwebhooks library', () => {
    const headers = signWebhook(key, 'msg_1', body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(headers['webhook-signature']).toBe(
      new Webhook(secret).sign(
        'msg_1',
        new Date(Number(headers['webhook-timestamp']) * 1000),
        body,
      ),
    );
  });

  it('fails verification for another body, id or secret', () => {
    const headers = signWebhook(key, 'msg_1', body);
    const verify = (s: string, b: string, h: Record<string, string>) => () =>
      new Webhook(s).verify(b, h);
    expect(verify(secret, `${body} `, headers)).toThrow();
    expect(
      verify(secret, body, { ...headers, 'webhook-id': 'msg_2' }),
    ).toThrow();
    expect(
      verify(`whsec_${randomBytes(32).toString('base64')}`, body, headers),
    ).toThrow();
  });

  it('signs with the attempt time, which receivers check', () => {
    const old = signWebhook(
      key,
      'msg_1',
      body,
      new Date(Date.now() - 3_600_000),
    );
    expect(() => new Webhook(secret).verify(body, old)).toThrow(/timestamp/i);
  });

  it.each([
    ['no prefix', randomBytes(32).toString('base64')],
    ['not base64', 'whsec_not*base64'],
    ['too short', `whsec_${randomBytes(8).toString('base64')}`],
  ])('refuses a secret with %s', (_, value) => {
    expect(() => decodeWebhookSecret(value, 'endpoints[0].secret')).toThrow(
      /endpoints\[0\]\.secret must be 'whsec_'/,
    );
  });
});
