/**
 * The signal channel the example todo backend publishes on and its frontend
 * subscribes to.
 * @public
 */
export const EXAMPLE_TODO_SIGNAL_CHANNEL = 'example-todo';

/** @public */
export type Todo = {
  id: string;
  title: string;
  /** Entity ref of the user or group that owns the todo. */
  owner: string;
  completed: boolean;
  /** User entity ref of whoever completed it. */
  completedBy?: string;
  /** ISO 8601 timestamp. */
  completedAt?: string;
};

/**
 * Published on {@link EXAMPLE_TODO_SIGNAL_CHANNEL} whenever a todo changes.
 * @public
 */
export type TodoSignal = {
  action: 'todo_created' | 'todo_completed';
  todo: Todo;
};

/**
 * Body of `POST /todos`.
 * @public
 */
export type CreateTodoRequest = {
  title: string;
  owner: string;
};

/**
 * Body of `GET /todos`.
 * @public
 */
export type TodoListResponse = {
  items: Todo[];
};
