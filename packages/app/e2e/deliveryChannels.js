/*
 * Browser test of the delivery channels that processor modules add: each
 * processor's name is a column of the settings grid, with a switch per
 * origin, like the built-in Web and Email channels.
 */
const {
  helpers: { expectChannelStartsEnabled, openSettingsWithAnOrigin },
} = require('./tests');

const tests = [
  {
    name: 'the Microsoft Teams and Webhooks channels are columns of the settings grid',
    async run(context) {
      await openSettingsWithAnOrigin(context, 'Channel check');
      for (const channel of ['Microsoft Teams', 'Webhooks']) {
        await expectChannelStartsEnabled(
          context.page,
          channel,
          `${channel} should start enabled for the guest`,
        );
      }
    },
  },
];

module.exports = { tests };
