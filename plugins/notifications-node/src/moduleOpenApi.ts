/**
 * The opening of the OpenAPI 3 spec of a route that a module adds to the
 * notifications backend: every such spec carries the project's licence, and
 * its server is relative because the route is mounted below the module's
 * own path. Spread it into the spec before `components` and `paths`.
 *
 * @public
 */
export function moduleOpenApiHeader(info: {
  title: string;
  description: string;
}) {
  return {
    openapi: '3.0.3',
    info: {
      title: info.title,
      version: '1',
      description: info.description,
      license: {
        name: 'Apache-2.0',
        url: 'http://www.apache.org/licenses/LICENSE-2.0.html',
      },
    },
    servers: [{ url: '/' }],
  } as const;
}
