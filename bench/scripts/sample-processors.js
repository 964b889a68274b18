'use strict';

/*
 * The processors the sample backend registers, as every bench runs Herald:
 * the Email processor with the stream transport, so every email is rendered
 * and none leaves the process.
 */
const sampleProcessors = {
  email: {
    transportConfig: { transport: 'stream' },
    sender: 'Herald <herald@localhost>',
    broadcastConfig: { receiver: 'none' },
  },
};

module.exports = { sampleProcessors };
