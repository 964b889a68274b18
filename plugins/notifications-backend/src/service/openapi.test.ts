import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import { createOutboxAdminRouter } from '../outbox';
import { createOpenApiDocument } from './openapi';
import { createRouter } from './router';
import { LIST_QUERY_PARAMETERS, TOPICS_QUERY_PARAMETERS } from './validation';

/** `METHOD /path` of every route an express router serves, `:id` as `{id}`. */
function routesOf(router: express.Router): string[] {
  return router.stack
    .filter(layer => layer.route)
    .flatMap(layer =>
      Object.keys((layer.route as any).methods).map(
        method =>
          `${method.toUpperCase()} ${layer.route!.path.replace(
            /:(\w+)/g,
            '{$1}',
          )}`,
      ),
    );
}

function documentedRoutes(document: any): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item as object).map(
      method => `${method.toUpperCase()} ${path}`,
    ),
  );
}

function parameterNames(document: any, path: string, method: string) {
  return document.paths[path][method].parameters
    .filter((p: any) => p.in === 'query')
    .map((p: any) => p.name)
    .sort();
}

describe('createOpenApiDocument', () => {
  const unused = {} as any;
  const served = [
    ...routesOf(
      createRouter({
        store: unused,
        sender: unused,
        signals: unused,
        settings: unused,
        httpAuth: mockServices.httpAuth(),
        userInfo: mockServices.userInfo(),
        logger: mockServices.logger.mock(),
      }),
    ),
    ...routesOf(
      createOutboxAdminRouter({
        httpAuth: mockServices.httpAuth(),
        store: unused,
        logger: mockServices.logger.mock(),
      }),
    ),
  ].filter(route => route !== 'GET /openapi.json');
  const document = createOpenApiDocument('');

  it('documents exactly the routes the routers serve', () => {
    expect(documentedRoutes(document).sort()).toEqual([...served].sort());
  });

  it('documents exactly the query parameters the endpoints accept', () => {
    expect(parameterNames(document, '/notifications', 'get')).toEqual(
      [...LIST_QUERY_PARAMETERS].sort(),
    );
    expect(parameterNames(document, '/', 'get')).toEqual(
      [...LIST_QUERY_PARAMETERS].sort(),
    );
    expect(parameterNames(document, '/topics', 'get')).toEqual(
      [...TOPICS_QUERY_PARAMETERS].sort(),
    );
  });

  it('prefixes paths with the mount path, the root alias without a slash', () => {
    const mounted = createOpenApiDocument('/api/notifications/');
    expect(Object.keys(mounted.paths as object)).toEqual(
      Object.keys(document.paths as object).map(path =>
        path === '/' ? '/api/notifications' : `/api/notifications${path}`,
      ),
    );
  });
});
