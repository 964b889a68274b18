'use strict';

/*
 * Every WebSocket is an open file in the server that accepts it and in the
 * client that holds it, so the open-file limit of a process caps the sockets
 * one backend can hold. Linux only: limits and open files come from /proc.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');

/** The soft open-file limit of a running process. */
function openFileLimit(pid) {
  const limits = fs.readFileSync(`/proc/${pid}/limits`, 'utf8');
  const match = limits.match(/^Max open files\s+(\S+)/m);
  if (!match) {
    throw new Error(`no open-file limit for process ${pid}`);
  }
  return match[1] === 'unlimited' ? Infinity : Number(match[1]);
}

/*
 * Raises a running process's limit with `prlimit --pid`, so the processes
 * start as they always do. Going above the hard limit needs the
 * CAP_SYS_RESOURCE capability; without it the limit stays as it was. Returns
 * the limit the process has afterwards.
 */
function raiseOpenFileLimit(pid, wanted) {
  if (openFileLimit(pid) < wanted) {
    spawnSync(
      'prlimit',
      ['--pid', String(pid), `--nofile=${wanted}:${wanted}`],
      {
        stdio: 'ignore',
      },
    );
  }
  return openFileLimit(pid);
}

/** How many more files a process can open before it reaches its limit. */
function openFileRoom(pid) {
  return openFileLimit(pid) - fs.readdirSync(`/proc/${pid}/fd`).length;
}

module.exports = { openFileLimit, openFileRoom, raiseOpenFileLimit };
