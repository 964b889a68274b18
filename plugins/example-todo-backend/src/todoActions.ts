import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CreateTodoRequest,
  EXAMPLE_TODO_SIGNAL_CHANNEL,
  Todo,
  TodoSignal,
} from '@herald/plugin-example-todo-common';
import { NotificationService } from '@herald/plugin-notifications-node';
import { SignalsService } from '@herald/plugin-signals-node';
import { InMemoryTodoStore } from './todoStore';

/** Where the notification links to; the app mounts the example page here. */
export const EXAMPLE_TODO_PAGE_PATH = '/example-todo';

/** The notification topic of completed todos, for users' settings. */
export const TODO_COMPLETED_TOPIC = 'todo-completed';

/**
 * What the plugin does besides storing todos: it notifies owners and
 * publishes signals.
 */
export class TodoActions {
  constructor(
    private readonly store: InMemoryTodoStore,
    private readonly notifications: NotificationService,
    private readonly signals: SignalsService,
    private readonly logger: LoggerService,
  ) {}

  list(): Todo[] {
    return this.store.list();
  }

  async create(request: CreateTodoRequest): Promise<Todo> {
    const todo = this.store.create(request);
    await this.publish({ action: 'todo_created', todo });
    return todo;
  }

  /**
   * Completes a todo and notifies its owner; when the owner is a group, the
   * notifications backend sends to each member. If the notification cannot
   * be sent the todo stays open, so the caller can simply retry.
   */
  async complete(id: string, completedBy: string): Promise<Todo> {
    const todo = this.store.complete(id, completedBy, new Date());
    try {
      await this.notifications.send({
        recipients: { type: 'entity', entityRef: todo.owner },
        payload: {
          title: `Todo completed: ${todo.title}`,
          description: `${completedBy} completed "${todo.title}".`,
          link: EXAMPLE_TODO_PAGE_PATH,
          severity: 'normal',
          topic: TODO_COMPLETED_TOPIC,
        },
      });
    } catch (error) {
      this.store.reopen(id);
      throw error;
    }
    await this.publish({ action: 'todo_completed', todo });
    return todo;
  }

  // The change is already stored: a lost signal only delays open pages until
  // their next refresh, so it must not turn the request into a failure.
  private async publish(message: TodoSignal): Promise<void> {
    try {
      await this.signals.publish<TodoSignal>({
        recipients: { type: 'broadcast' },
        channel: EXAMPLE_TODO_SIGNAL_CHANNEL,
        message,
      });
    } catch (error) {
      this.logger.warn(`Failed to publish ${message.action} signal`, error);
    }
  }
}
