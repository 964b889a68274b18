import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import { createModuleErrorSanitizer } from '@herald/plugin-notifications-node';
import { Request, Router } from 'express';
import { DigestChoices } from './DigestChoices';
import { DigestFrequency } from './config';
import { spec } from './schema/openapi';

/**
 * The user's email delivery choice under `/email`, as `schema/openapi.ts`
 * describes it. Mounted below its own path so that its spec route and body
 * parser stay out of the notifications backend's way.
 */
export function createEmailRouter(options: {
  httpAuth: HttpAuthService;
  choices: DigestChoices;
  defaultFrequency: DigestFrequency;
  logger: LoggerService;
}) {
  const { httpAuth, choices, defaultFrequency, logger } = options;
  const api = createValidatedOpenApiRouter(spec);

  async function userRefOf(req: Request) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    return credentials.principal.userEntityRef;
  }
  async function settingOf(userRef: string) {
    const own = await choices.chosen(userRef);
    return { frequency: own ?? defaultFrequency, chosen: own !== undefined };
  }

  api.get('/digest', async (req, res) => {
    res.json(await settingOf(await userRefOf(req)));
  });

  api.put('/digest', async (req, res) => {
    const userRef = await userRefOf(req);
    await choices.choose(userRef, req.body.frequency);
    res.json(await settingOf(userRef));
  });

  api.delete('/digest', async (req, res) => {
    const userRef = await userRefOf(req);
    await choices.forget(userRef);
    res.json(await settingOf(userRef));
  });

  api.use(createModuleErrorSanitizer(logger, 'Email digest request failed'));

  const router = Router();
  router.use('/email', api);
  return router;
}
