import { HttpAuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  CreateTodoRequest,
  TodoListResponse,
} from '@herald/plugin-example-todo-common';
import express from 'express';
import Router from 'express-promise-router';
import { TodoActions } from './todoActions';

const MAX_TITLE_LENGTH = 200;
const OWNER_KINDS = ['user', 'group'];

function parseCreateRequest(body: unknown): CreateTodoRequest {
  const { title, owner } = (body ?? {}) as Record<string, unknown>;
  if (typeof title !== 'string' || !title.trim()) {
    throw new InputError('title must be a non-empty string');
  }
  if (title.length > MAX_TITLE_LENGTH) {
    throw new InputError(
      `title must be at most ${MAX_TITLE_LENGTH} characters`,
    );
  }
  if (typeof owner !== 'string') {
    throw new InputError('owner must be a user or group entity ref');
  }
  let ref;
  try {
    ref = parseEntityRef(owner, { defaultNamespace: 'default' });
  } catch (error) {
    throw new InputError(`owner is not a valid entity ref: ${error.message}`);
  }
  if (!OWNER_KINDS.includes(ref.kind.toLocaleLowerCase('en-US'))) {
    throw new InputError('owner must be a user or group entity ref');
  }
  return { title: title.trim(), owner: stringifyEntityRef(ref) };
}

export function createRouter(options: {
  actions: TodoActions;
  httpAuth: HttpAuthService;
}): express.Router {
  const { actions, httpAuth } = options;
  const router = Router();
  router.use(express.json());

  router.get('/todos', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const response: TodoListResponse = { items: actions.list() };
    res.json(response);
  });

  router.post('/todos', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    const todo = await actions.create(parseCreateRequest(req.body));
    res.status(201).json(todo);
  });

  router.post('/todos/:id/complete', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const todo = await actions.complete(
      req.params.id,
      credentials.principal.userEntityRef,
    );
    res.json(todo);
  });

  return router;
}
