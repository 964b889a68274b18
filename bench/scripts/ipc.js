'use strict';

/*
 * The request/response protocol between a runner and the child process that
 * holds its WebSocket clients: every message is `{ id, command, ...args }` and
 * gets `{ id, result }` or `{ id, error }` back.
 */
const { fork } = require('node:child_process');

/** The runner's side: forks `script` and calls its commands. */
class CommandProcess {
  constructor(script, forkOptions = {}) {
    this.child = fork(script, [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      ...forkOptions,
    });
    this.nextId = 0;
    this.pending = new Map();
    this.child.on('message', ({ id, result, error }) => {
      const pending = this.pending.get(id);
      this.pending.delete(id);
      if (error) {
        pending.reject(new Error(error));
      } else {
        pending.resolve(result);
      }
    });
  }

  call(command, args = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, command, ...args });
    });
  }

  stop() {
    this.child.kill('SIGTERM');
  }
}

/** The child's side: answers each message with its command's result. */
function serveCommands(commands) {
  process.on('message', async ({ id, command, ...args }) => {
    try {
      process.send({ id, result: await commands[command](args) });
    } catch (error) {
      process.send({ id, error: String(error.stack ?? error) });
    }
  });
}

module.exports = { CommandProcess, serveCommands };
