import { ALICE, BOB } from '../../__testUtils__/fixtures';
import {
  WEB_OFF,
  describeEndpoints,
} from '../../__testUtils__/notificationsApi';

jest.setTimeout(60_000);

describeEndpoints('settings endpoints', api => {
  const { ctx, sendTo, broadcast, list, settingsOf, saveSettings } = api;

  beforeEach(async () => {
    await ctx.knex('user_settings').delete();
  });

  it('lists the origins a user received, and saves and returns them', async () => {
    await sendTo(ALICE, { title: 'Hello', topic: 'builds' });
    const before = await settingsOf(ALICE);
    expect(before.status).toBe(200);
    expect(before.body).toEqual({
      channels: [
        {
          id: 'Web',
          origins: [
            {
              id: 'plugin:scaffolder',
              enabled: true,
              topics: [{ id: 'builds', enabled: true }],
            },
          ],
        },
      ],
    });
    const saved = await saveSettings(ALICE, WEB_OFF);
    expect(saved.status).toBe(200);
    expect(saved.body.channels[0].origins[0]).toMatchObject({
      id: 'plugin:scaffolder',
      enabled: false,
    });
    expect((await settingsOf(ALICE)).body).toEqual(saved.body);
    expect((await settingsOf(BOB)).body).toEqual({
      channels: [{ id: 'Web', origins: [] }],
    });
  });

  it('gates user notifications by the Web channel, but never broadcasts', async () => {
    expect((await saveSettings(ALICE, WEB_OFF)).status).toBe(200);
    expect(await sendTo([ALICE, BOB], { title: 'Direct' })).toEqual([
      expect.objectContaining({ user: BOB }),
    ]);
    const shared = await broadcast({ title: 'Everyone' });
    expect((await list(ALICE)).notifications.map((n: any) => n.id)).toEqual([
      shared.id,
    ]);
    expect(ctx.signals.map(s => s.recipients)).toEqual([
      { type: 'user', entityRef: [BOB] },
      { type: 'broadcast' },
    ]);
  });
});
