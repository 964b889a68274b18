import { InputError, isError } from '@backstage/errors';
import { ErrorRequestHandler, Request } from 'express';

/** Where a spec violation sits, in the validator's words and in ours. */
const LOCATIONS: Array<[prefix: string, what: string]> = [
  ['request/query/', 'query parameters'],
  ['request/body/', 'request body'],
  ['request/headers/', 'header'],
  ['request/params/', 'path'],
];

const TOO_LONG = /^(.*) must NOT have more than (\d+) characters$/;

function valueAt(root: unknown, path: string[]): unknown {
  return path.reduce<unknown>(
    (value, key) =>
      value !== null && typeof value === 'object'
        ? (value as Record<string, unknown>)[key]
        : undefined,
    root,
  );
}

/** One violation, as `validator path + reason`, in the wording the API has always used. */
function describe(violation: string, req: Request): string {
  const unknown = /^Unknown query parameter '(.*)'$/.exec(violation);
  if (unknown) {
    return `Invalid query parameters: unknown parameter '${unknown[1]}'`;
  }
  for (const [prefix, what] of LOCATIONS) {
    if (!violation.startsWith(prefix)) {
      continue;
    }
    const rest = violation.slice(prefix.length);
    const tooLong = TOO_LONG.exec(rest);
    if (tooLong && prefix === 'request/body/') {
      const path = tooLong[1].split('/');
      const value = valueAt(req.body, path);
      if (typeof value === 'string') {
        return `Invalid ${what}: ${path.join('.')} is ${
          value.length
        } characters long, at most ${tooLong[2]} are allowed`;
      }
    }
    const space = rest.indexOf(' ');
    return `Invalid ${what}: ${rest
      .slice(0, space)
      .split('/')
      .join('.')}${rest.slice(space)}`;
  }
  return violation;
}

/**
 * The spec's router answers every violation with an InputError (a 400) that
 * carries the validator's own wording, such as
 * `request/body/payload/title must NOT have more than 255 characters`; this
 * words them as the handlers always have (`Invalid request body: payload.title
 * is 256 characters long, ...`). Status and envelope stay the Backstage ones.
 */
export function translateValidationErrors(): ErrorRequestHandler {
  return (error, req, _res, next) => {
    if (!isError(error) || error.name !== 'InputError') {
      next(error);
      return;
    }
    const violations = error.message.split(/, (?=request\/|Unknown query)/);
    if (
      !violations.some(
        v =>
          v.startsWith('request/') || v.startsWith('Unknown query parameter'),
      )
    ) {
      next(error);
      return;
    }
    next(new InputError(violations.map(v => describe(v, req)).join('; ')));
  };
}
