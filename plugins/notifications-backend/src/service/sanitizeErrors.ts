import { LoggerService } from '@backstage/backend-plugin-api';
import { isError, toError } from '@backstage/errors';
import { ErrorRequestHandler } from 'express';

/**
 * The `@backstage/errors` classes code throws on purpose, with a message meant
 * for the caller; the Backstage error handler derives their status from the
 * name.
 */
const DELIBERATE_ERROR_NAMES = new Set([
  'NotModifiedError',
  'InputError',
  'AuthenticationError',
  'NotAllowedError',
  'NotFoundError',
  'ConflictError',
  'NotImplementedError',
  'ServiceUnavailableError',
]);

/**
 * Whether an error's message is meant for the caller: a status below 500 set
 * by the code that threw it (as the body parser does), or a deliberate
 * Backstage error.
 */
function isForTheCaller(error: unknown): boolean {
  if (!isError(error)) {
    return false;
  }
  for (const field of ['statusCode', 'status'] as const) {
    const status = (error as { [key: string]: unknown })[field];
    if (typeof status === 'number' && Number.isInteger(status)) {
      return status >= 100 && status < 500;
    }
  }
  return DELIBERATE_ERROR_NAMES.has(error.name);
}

/**
 * What the caller may see of an error: the error itself when it is meant for
 * the caller, otherwise a bare 500 without message, stack or cause, after the
 * original went to the log under `what` (the request or action that failed).
 */
export function sanitizeError(
  error: unknown,
  logger: LoggerService,
  what: string,
): unknown {
  if (isForTheCaller(error)) {
    return error;
  }
  logger.error(`${what} failed`, toError(error));
  const sanitized = new Error('Internal server error');
  delete sanitized.stack;
  return sanitized;
}

/**
 * Keeps server-side failures out of response bodies. Database drivers put the
 * statement, its bound values (user refs, search text) and schema names in
 * their messages, which the Backstage error handler would send to the caller.
 * Errors meant for the caller (InputError, NotFoundError and the other
 * `@backstage/errors` classes, body parser errors such as 413) pass on
 * untouched; anything else is logged in full and answered with a bare 500 in
 * the same envelope.
 */
export function createErrorSanitizer(
  logger: LoggerService,
): ErrorRequestHandler {
  return (error, req, _res, next) => {
    next(sanitizeError(error, logger, `${req.method} ${req.originalUrl}`));
  };
}
