/*
 * Browser test of the Slack channel: with a Slack workspace configured, the
 * processor's name (upstream's, `SlackNotificationProcessor`, so settings
 * saved with upstream's module keep applying) is a column of the settings
 * grid with a switch per origin.
 */
const {
  helpers: { TIMEOUT, expectChannelStartsEnabled, openSettingsWithAnOrigin },
} = require('./tests');

const tests = [
  {
    name: 'the Slack channel is a column of the settings grid',
    async run(context) {
      await openSettingsWithAnOrigin(context, 'Slack channel check');
      await context.page
        .getByRole('columnheader', { name: 'SlackNotificationProcessor' })
        .waitFor({ timeout: TIMEOUT });
      await expectChannelStartsEnabled(
        context.page,
        'SlackNotificationProcessor',
        'Slack should start enabled for the guest',
      );
    },
  },
];

module.exports = { tests };
