import { CreateTodoRequest } from '@herald/plugin-example-todo-common';

/**
 * The todos a fresh backend starts with, owned by users and groups of the
 * example org so that completing them reaches real inboxes.
 */
export const seedTodos: CreateTodoRequest[] = [
  {
    title: 'Rotate the staging database password',
    owner: 'group:default/team-a',
  },
  { title: 'Review the on-call handbook', owner: 'user:default/guest' },
  { title: 'Upgrade the build runners', owner: 'group:default/team-b' },
];
