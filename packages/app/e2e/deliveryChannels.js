/*
 * Browser test of the delivery channels that processor modules add: each
 * processor's name is a column of the settings grid, with a switch per
 * origin, like the built-in Web and Email channels.
 */
const {
  helpers: { TIMEOUT, expect, sendWithFetch, signInIfAsked, uniqueTitle },
} = require('./tests');

const tests = [
  {
    name: 'the Microsoft Teams and Webhooks channels are columns of the settings grid',
    async run({ page, appUrl, backendUrl }) {
      // Settings list the origins of the user's own notifications.
      await sendWithFetch(backendUrl, {
        recipients: { type: 'entity', entityRef: 'user:default/guest' },
        payload: { title: uniqueTitle('Channel check') },
      });
      await page.goto(`${appUrl}/settings`);
      await signInIfAsked(page);
      await page
        .getByText('Notification settings')
        .waitFor({ timeout: TIMEOUT });
      for (const channel of ['Microsoft Teams', 'Webhooks']) {
        const toggle = page
          .getByLabel(new RegExp(`^${channel} notifications from `))
          .first();
        await toggle.waitFor({ timeout: TIMEOUT });
        expect(
          await toggle.isChecked(),
          `${channel} should start enabled for the guest`,
        );
      }
    },
  },
];

module.exports = { tests };
