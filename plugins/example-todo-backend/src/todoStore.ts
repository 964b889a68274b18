import { ConflictError, NotFoundError } from '@backstage/errors';
import { CreateTodoRequest, Todo } from '@herald/plugin-example-todo-common';

/**
 * Keeps todos in memory. Each method checks and changes state synchronously,
 * so concurrent requests cannot both complete the same todo.
 */
export class InMemoryTodoStore {
  private readonly todos = new Map<string, Todo>();
  private nextId = 1;

  constructor(initial: CreateTodoRequest[] = []) {
    initial.forEach(todo => this.create(todo));
  }

  list(): Todo[] {
    return [...this.todos.values()].map(todo => ({ ...todo }));
  }

  create(request: CreateTodoRequest): Todo {
    const todo: Todo = {
      id: String(this.nextId++),
      title: request.title,
      owner: request.owner,
      completed: false,
    };
    this.todos.set(todo.id, todo);
    return { ...todo };
  }

  /** Throws NotFoundError for an unknown id and ConflictError when already done. */
  complete(id: string, completedBy: string, completedAt: Date): Todo {
    const todo = this.todos.get(id);
    if (!todo) {
      throw new NotFoundError(`No todo with id '${id}'`);
    }
    if (todo.completed) {
      throw new ConflictError(`Todo '${id}' is already completed`);
    }
    todo.completed = true;
    todo.completedBy = completedBy;
    todo.completedAt = completedAt.toISOString();
    return { ...todo };
  }

  /** Undoes `complete` when what should follow it failed. */
  reopen(id: string): void {
    const todo = this.todos.get(id);
    if (todo) {
      todo.completed = false;
      delete todo.completedBy;
      delete todo.completedAt;
    }
  }
}
