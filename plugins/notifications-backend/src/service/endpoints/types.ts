import {
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { ApiRouter } from '@backstage/backend-openapi-utils';
import { Request } from 'express';
import { spec } from '../../schema/openapi';

/** The router built from the spec: paths, parameters and bodies are typed by it. */
export type NotificationsApiRouter = ApiRouter<typeof spec>;

/** The services that tell who the calling user is. */
export type CallerServices = {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
};

/** The user entity ref of the caller; other principals get a 403. */
export async function currentUser(
  req: Request<any, any, any, any>,
  services: CallerServices,
): Promise<string> {
  const credentials = await services.httpAuth.credentials(req, {
    allow: ['user'],
  });
  const { userEntityRef } = await services.userInfo.getUserInfo(credentials);
  return userEntityRef;
}
