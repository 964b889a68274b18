import { createApiRef } from '@backstage/core-plugin-api';
import { Todo } from '@herald/plugin-example-todo-common';

/** @public */
export interface ExampleTodoApi {
  listTodos(): Promise<Todo[]>;
  completeTodo(id: string): Promise<Todo>;
}

/** @public */
export const exampleTodoApiRef = createApiRef<ExampleTodoApi>({
  id: 'plugin.example-todo.service',
});
