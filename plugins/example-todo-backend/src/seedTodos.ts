import { CreateTodoRequest } from '@herald/plugin-example-todo-common';

/**
 * The todos a fresh backend starts with, owned by users and groups of the
 * example org (examples/org.yaml) so that completing them reaches real
 * inboxes.
 */
export const seedTodos: CreateTodoRequest[] = [
  {
    title: 'Rotate the staging database password',
    owner: 'group:default/platform-team',
  },
  { title: 'Review the on-call handbook', owner: 'user:default/guest' },
  {
    title: 'Upgrade the design system package',
    owner: 'group:default/frontend-team',
  },
  { title: 'Plan the next user interviews', owner: 'group:default/product' },
];
