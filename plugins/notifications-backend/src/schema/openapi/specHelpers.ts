/**
 * The calls the generated router writes the spec with, so that what the YAML
 * says many times reads as one short call each. Each returns exactly the
 * object the YAML has there, typed as narrowly as an `as const` literal, so
 * the router's request and response types are inferred as before.
 */

/** A reference, such as `#/components/schemas/Notification`. */
export const ref = <const T extends string>($ref: T) => ({ $ref });

/** JSON content of the given schema. */
export const json = <const S>(schema: S) => ({
  'application/json': { schema },
});

/** An array schema of the given items. */
export const arrayOf = <const I>(items: I) =>
  ({ type: 'array', items } as const);

/** A required JSON request body. */
export const jsonBody = <const S>(schema: S) =>
  ({ required: true, content: json(schema) } as const);

/** A response with a JSON body. */
export const jsonResponse = <const D extends string, const S>(
  description: D,
  schema: S,
) => ({ description, content: json(schema) });

/** An optional query parameter whose value may hold reserved characters as they are. */
export const queryParameter = <
  const N extends string,
  const D extends string,
  const S,
>(
  name: N,
  description: D,
  schema: S,
) =>
  ({
    name,
    in: 'query',
    required: false,
    allowReserved: true,
    description,
    schema,
  } as const);

/**
 * An operation with what every operation of the plugin has: errors answered
 * in the Backstage envelope, and a token or none (the handler decides who may
 * call). The generator strips exactly these two from the operations it wraps.
 */
export const operation = <const O extends { responses: object }>(
  definition: O,
) =>
  ({
    ...definition,
    responses: {
      ...definition.responses,
      default: ref('#/components/responses/ErrorResponse'),
    },
    security: [{}, { JWT: [] }],
  } as const);

/** The same operation again under another path (an upstream legacy route). */
export const alias = <const O extends object, const A extends object>(
  original: O,
  aliasKeys: A,
): Omit<O, keyof A> & A => ({ ...original, ...aliasKeys });
