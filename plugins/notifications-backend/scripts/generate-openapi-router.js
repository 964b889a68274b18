#!/usr/bin/env node
/*
 * Writes src/schema/openapi/generated/router.ts from src/schema/openapi.yaml:
 * the spec as a typed constant and the validated router built from it, in the
 * shape `backstage-repo-tools package schema openapi generate --server` writes.
 * That command also generates models with the OpenAPI Generator jar, which
 * our build machines cannot download; the router's request and response types
 * are inferred from the constant instead. `openapi.test.ts` fails when this
 * file and the YAML disagree.
 *
 * The constant is written with the helpers of `src/schema/openapi/specHelpers.ts`
 * so that what the YAML says many times reads as one short call each in the
 * output: a reference, a JSON content or body, a response with a JSON body, an
 * array schema, an optional query parameter, the error response and security
 * every operation shares, and an operation served again under a legacy path.
 * A value that does not have a helper's exact shape is written out as it is.
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const YAML = require('yaml');

const root = path.resolve(__dirname, '..');
const spec = YAML.parse(
  fs.readFileSync(path.join(root, 'src/schema/openapi.yaml'), 'utf8'),
);

/** The keys by which an alias of an operation (a legacy path) may differ from it. */
const ALIAS_KEYS = ['operationId', 'description', 'deprecated'];
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];

const isObject = value =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const hasOnlyKey = (value, key) =>
  isObject(value) && Object.keys(value).length === 1 && key in value;
const withoutKey = (object, key) =>
  Object.fromEntries(Object.entries(object).filter(([k]) => k !== key));
const withoutAliasKeys = operation =>
  JSON.stringify(
    Object.fromEntries(
      Object.entries(operation).filter(([key]) => !ALIAS_KEYS.includes(key)),
    ),
  );
const isJson = value =>
  hasOnlyKey(value, 'application/json') &&
  hasOnlyKey(value['application/json'], 'schema');
const hasExactly = (value, keys) =>
  isObject(value) &&
  Object.keys(value).length === keys.length &&
  keys.every(key => key in value);
const sameJson = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** What `operation()` in specHelpers.ts adds; `openapi.test.ts` fails if the two drift. */
const SHARED_ERROR_RESPONSE = { $ref: '#/components/responses/ErrorResponse' };
const SHARED_SECURITY = [{}, { JWT: [] }];
const hasSharedParts = operation =>
  sameJson(operation.security, SHARED_SECURITY) &&
  isObject(operation.responses) &&
  sameJson(operation.responses.default, SHARED_ERROR_RESPONSE);

/** The keys and fixed values `queryParameter()` adds, in the YAML's order. */
const isOptionalQueryParameter = value =>
  hasExactly(value, [
    'name',
    'in',
    'required',
    'allowReserved',
    'description',
    'schema',
  ]) &&
  value.in === 'query' &&
  value.required === false &&
  value.allowReserved === true;

const constName = operationId =>
  operationId[0].toLowerCase() + operationId.slice(1);

/** Each operation as a named constant, or as an alias of an earlier operation it repeats. */
function collectOperations() {
  const operations = new Map();
  const byBody = new Map();
  for (const pathItem of Object.values(spec.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (!operation) continue;
      const body = withoutAliasKeys(operation);
      const original = byBody.get(body);
      if (original) {
        const aliasKeys = Object.fromEntries(
          ALIAS_KEYS.filter(key => key in operation).map(key => [
            key,
            operation[key],
          ]),
        );
        operations.set(operation, { original, aliasKeys });
      } else {
        const name = constName(operation.operationId);
        byBody.set(body, name);
        operations.set(operation, { name });
      }
    }
  }
  return operations;
}

const operations = collectOperations();

/** The helpers the output calls, for its import. */
const usedHelpers = new Set();
const call = (helper, ...args) => {
  usedHelpers.add(helper);
  return `${helper}(${args.join(', ')})`;
};

/** An operation without what `operation()` adds, wrapped in it. */
function emitOperation(operation) {
  if (!hasSharedParts(operation)) {
    return `${emit(operation, true)} as const`;
  }
  const stripped = {
    ...withoutKey(operation, 'security'),
    responses: withoutKey(operation.responses, 'default'),
  };
  return call('operation', emit(stripped, true));
}

function emit(value, inOperation = false) {
  if (hasOnlyKey(value, '$ref') && typeof value.$ref === 'string') {
    return call('ref', JSON.stringify(value.$ref));
  }
  if (isJson(value)) {
    return call('json', emit(value['application/json'].schema));
  }
  if (
    hasExactly(value, ['required', 'content']) &&
    value.required === true &&
    isJson(value.content)
  ) {
    return call('jsonBody', emit(value.content['application/json'].schema));
  }
  if (hasExactly(value, ['description', 'content']) && isJson(value.content)) {
    return call(
      'jsonResponse',
      JSON.stringify(value.description),
      emit(value.content['application/json'].schema),
    );
  }
  if (isOptionalQueryParameter(value)) {
    return call(
      'queryParameter',
      JSON.stringify(value.name),
      JSON.stringify(value.description),
      emit(value.schema),
    );
  }
  if (
    isObject(value) &&
    value.type === 'array' &&
    Object.keys(value).length === 2 &&
    'items' in value
  ) {
    return call('arrayOf', emit(value.items));
  }
  const operation = operations.get(value);
  if (operation && !inOperation) {
    return operation.name
      ? operation.name
      : call('alias', operation.original, emit(operation.aliasKeys));
  }
  if (Array.isArray(value)) {
    return `[${value.map(item => emit(item)).join(', ')}]`;
  }
  if (isObject(value)) {
    const entries = Object.entries(value).map(
      ([key, item]) => `${JSON.stringify(key)}: ${emit(item)}`,
    );
    return `{ ${entries.join(', ')} }`;
  }
  return JSON.stringify(value);
}

const operationConstants = [...operations]
  .filter(([, { name }]) => name)
  .map(
    ([operation, { name }]) => `const ${name} = ${emitOperation(operation)};`,
  );

const specSource = emit(spec);

const target = path.join(root, 'src/schema/openapi/generated/router.ts');
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(
  target,
  `//

// ******************************************************************
// * THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY. *
// ******************************************************************
import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import { ${[...usedHelpers].sort().join(', ')} } from '../specHelpers';

${operationConstants.join('\n\n')}

export const spec = ${specSource} as const;

export const createOpenApiRouter = async (
  options?: Parameters<typeof createValidatedOpenApiRouter>['1'],
) => createValidatedOpenApiRouter<typeof spec>(spec, options);
`,
);
fs.writeFileSync(
  path.join(root, 'src/schema/openapi/index.ts'),
  `//\nexport * from './generated';\n`,
);
fs.writeFileSync(
  path.join(root, 'src/schema/openapi/generated/index.ts'),
  `//\nexport * from './router';\n`,
);
execFileSync('yarn', ['run', '-T', 'prettier', '--write', target], {
  stdio: 'inherit',
});
