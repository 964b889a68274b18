import {
  HttpAuthService,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import express, { RequestHandler } from 'express';
import Router from 'express-promise-router';
import { OutboxStore } from '../outbox';
import { createOpenApiRouter } from '../schema/openapi';
import { NotificationSettingsService } from '../settings/types';
import {
  NotificationsEndpointsOptions,
  bindNotificationsEndpoints,
} from './endpoints/notifications.router';
import { bindOpenApiDocument } from './endpoints/openapi.router';
import { bindOutboxEndpoint } from './endpoints/outbox.router';
import { bindSettingsEndpoints } from './endpoints/settings.router';
import { bindStatusEndpoint } from './endpoints/status.router';
import { bindTopicsEndpoint } from './endpoints/topics.router';
import { createErrorSanitizer } from './sanitizeErrors';
import { assertStorableRequest } from './validation';
import { translateValidationErrors } from './validationErrors';

export type RouterOptions = NotificationsEndpointsOptions & {
  settings: NotificationSettingsService;
  outbox: OutboxStore;
  userInfo: UserInfoService;
  httpAuth: HttpAuthService;
  logger: LoggerService;
  /** Body limit of a send: bytes, or express notation like '1mb'. */
  maxSendBodySize: number | string;
};

/** Limit of every other body, as upstream; larger bodies are answered with 413. */
const JSON_BODY_LIMIT = '100kb';

/** Bodies are parsed before the spec's router, which leaves them alone. */
const bodyParsedAlready: RequestHandler = (_req, _res, next) => next();

/**
 * The REST API, built from `schema/openapi.yaml`: the spec validates every
 * request, the handlers do what it cannot express, and `/openapi.json` serves
 * it with the mount path in front of every path.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const router = Router();
  // A send to thousands of explicit users outgrows the limit of other bodies.
  // Parsed here, outside the spec's router, whose error handler would turn a
  // 413 into a 400.
  router.post(
    ['/notifications', '/'],
    express.json({ limit: options.maxSendBodySize }),
  );
  router.use(express.json({ limit: JSON_BODY_LIMIT }));
  router.use((req, _res, next) => {
    assertStorableRequest(req);
    next();
  });

  bindOpenApiDocument(router, options);
  const api = await createOpenApiRouter({ middleware: [bodyParsedAlready] });
  bindStatusEndpoint(api, options);
  bindTopicsEndpoint(api, options);
  bindSettingsEndpoints(api, options);
  bindOutboxEndpoint(api, options);
  // Last: the legacy `GET /:id` would answer every other one-segment path.
  bindNotificationsEndpoints(api, options);
  router.use(api);

  router.use(translateValidationErrors());
  router.use(createErrorSanitizer(options.logger));
  return router;
}
