/*
 * Browser test of the Slack channel: with a Slack workspace configured, the
 * processor's name (upstream's, `SlackNotificationProcessor`, so settings
 * saved with upstream's module keep applying) is a column of the settings
 * grid with a switch per origin.
 */
const {
  helpers: { TIMEOUT, expect, sendWithFetch, signInIfAsked, uniqueTitle },
} = require('./tests');

const tests = [
  {
    name: 'the Slack channel is a column of the settings grid',
    async run({ page, appUrl, backendUrl }) {
      // Settings list the origins of the user's own notifications.
      await sendWithFetch(backendUrl, {
        recipients: { type: 'entity', entityRef: 'user:default/guest' },
        payload: { title: uniqueTitle('Slack channel check') },
      });
      await page.goto(`${appUrl}/settings`);
      await signInIfAsked(page);
      await page
        .getByText('Notification settings')
        .waitFor({ timeout: TIMEOUT });
      await page
        .getByRole('columnheader', { name: 'SlackNotificationProcessor' })
        .waitFor({ timeout: TIMEOUT });
      const toggle = page
        .getByLabel(/^SlackNotificationProcessor notifications from /)
        .first();
      await toggle.waitFor({ timeout: TIMEOUT });
      expect(
        await toggle.isChecked(),
        'Slack should start enabled for the guest',
      );
    },
  },
];

module.exports = { tests };
