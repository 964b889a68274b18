import { HttpAuthService } from '@backstage/backend-plugin-api';
import { Router } from 'express';
import { spec } from '../../schema/openapi';

/**
 * The spec with its paths under the router's mount path, the root alias
 * without a trailing slash.
 */
export function mountedSpec(mountPath: string) {
  const prefix = mountPath.replace(/\/+$/, '');
  return {
    ...spec,
    paths: Object.fromEntries(
      Object.entries(spec.paths).map(([path, item]) => [
        `${prefix}${path === '/' ? '' : path}` || '/',
        item,
      ]),
    ),
  };
}

/**
 * `GET /openapi.json`: the spec as it is. Registered ahead of the spec's
 * router, whose own copy of this route passes the document through
 * openapi-merge, which labels it OpenAPI 3.0.3 although it uses 3.1 (null
 * types).
 */
export function bindOpenApiDocument(
  router: Router,
  options: { httpAuth: HttpAuthService },
) {
  router.get('/openapi.json', async (req, res) => {
    await options.httpAuth.credentials(req);
    res.json(mountedSpec(req.baseUrl));
  });
}
