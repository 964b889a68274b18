'use strict';

/*
 * How every bench configures Herald's notifications: the processors the
 * sample backend registers, the Email processor with the stream transport,
 * so every email is rendered and none leaves the process; and room in a
 * request for the largest send.
 */
const sampleProcessors = {
  email: {
    transportConfig: { transport: 'stream' },
    sender: 'Herald <herald@localhost>',
    broadcastConfig: { receiver: 'none' },
  },
};

/**
 * The request body limit of a bench's Herald backend: a send to 100,000
 * explicit refs is about 3.5 MB of JSON, over the 1 MB default.
 */
const sendBodyLimit = '8mb';

module.exports = { sampleProcessors, sendBodyLimit };
