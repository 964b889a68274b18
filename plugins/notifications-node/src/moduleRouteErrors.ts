import { LoggerService } from '@backstage/backend-plugin-api';

/**
 * The `@backstage/errors` classes a module's routes throw on purpose, with a
 * message meant for the caller; the Backstage error handler derives their
 * status from the name.
 */
const DELIBERATE_ERRORS = new Set([
  'InputError',
  'AuthenticationError',
  'NotAllowedError',
  'NotFoundError',
  'ConflictError',
]);

/**
 * The last error handler of the routes a module adds to the notifications
 * backend. Errors thrown on purpose go on as they are; any other, such as a
 * database error, whose message carries statements and values, is logged
 * under `failure` and goes on as a bare 500.
 *
 * @public
 */
export function createModuleErrorSanitizer(
  logger: LoggerService,
  failure: string,
) {
  return (
    error: unknown,
    _req: unknown,
    _res: unknown,
    next: (error?: unknown) => void,
  ): void => {
    const name = (error as { name?: unknown } | undefined)?.name;
    if (typeof name === 'string' && DELIBERATE_ERRORS.has(name)) {
      next(error);
      return;
    }
    logger.error(failure, error as Error);
    next(new Error('Internal server error'));
  };
}
