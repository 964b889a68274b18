import { mockServices } from '@backstage/backend-test-utils';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import express from 'express';
import request from 'supertest';
import { createErrorSanitizer } from './sanitizeErrors';

function appThrowing(error: unknown) {
  const logger = mockServices.logger.mock();
  const app = express();
  app.get('/', () => {
    throw error;
  });
  app.use(createErrorSanitizer(logger));
  // Stands in for the Backstage error handler: it reports what reaches it.
  app.use(
    (
      reached: any,
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      res.json({
        name: reached.name,
        message: reached.message,
        stack: reached.stack ?? null,
        cause: reached.cause ? String(reached.cause) : null,
        statusCode: reached.statusCode ?? reached.status ?? null,
        same: reached === error,
      });
    },
  );
  return { app, logger };
}

describe('createErrorSanitizer', () => {
  it.each([
    ['InputError', new InputError('Invalid query parameters: limit')],
    ['NotFoundError', new NotFoundError('Not found')],
    ['ConflictError', new ConflictError('in flight')],
    ['NotAllowedError', new NotAllowedError('users only')],
    ['AuthenticationError', new AuthenticationError('no token')],
    ['ServiceUnavailableError', new ServiceUnavailableError('stopping')],
    [
      'a body parser error',
      Object.assign(new Error('request entity too large'), {
        statusCode: 413,
        status: 413,
        expose: true,
      }),
    ],
    [
      'an error with a 422 status',
      Object.assign(new Error('key reused'), { statusCode: 422 }),
    ],
  ])('passes %s on untouched', async (_name, error) => {
    const { app, logger } = appThrowing(error);
    const response = await request(app).get('/');
    expect(response.body.same).toBe(true);
    expect(response.body.message).toBe(error.message);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('replaces a database error by a bare one and logs the original', async () => {
    const databaseError = Object.assign(
      new Error(
        "select * from `notification` where `user` = 'user:default/alice' - SQLITE_ERROR: no such table",
      ),
      { name: 'SqliteError', code: 'SQLITE_ERROR' },
    );
    const { app, logger } = appThrowing(databaseError);
    const response = await request(app).get('/?search=secret');
    expect(response.body).toEqual({
      name: 'Error',
      message: 'Internal server error',
      stack: null,
      cause: null,
      statusCode: null,
      same: false,
    });
    expect(logger.error).toHaveBeenCalledWith(
      'GET /?search=secret failed',
      databaseError,
    );
  });

  it('treats an error carrying a 5xx status as internal', async () => {
    const { app, logger } = appThrowing(
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), {
        statusCode: 502,
      }),
    );
    const response = await request(app).get('/');
    expect(response.body.message).toBe('Internal server error');
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  it('turns a thrown non-error into a bare error', async () => {
    const { app, logger } = appThrowing('a string with secrets');
    const response = await request(app).get('/');
    expect(response.body.message).toBe('Internal server error');
    expect(logger.error).toHaveBeenCalledTimes(1);
  });
});
