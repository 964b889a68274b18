import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { Todo, TodoListResponse } from '@herald/plugin-example-todo-common';
import { ExampleTodoApi } from './ExampleTodoApi';

/**
 * Talks to `/api/example-todo` with the signed-in user's credentials.
 * @public
 */
export class ExampleTodoClient implements ExampleTodoApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  async listTodos(): Promise<Todo[]> {
    const body: TodoListResponse = await this.request('/todos');
    return body.items;
  }

  async completeTodo(id: string): Promise<Todo> {
    return this.request(`/todos/${encodeURIComponent(id)}/complete`, {
      method: 'POST',
    });
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('example-todo');
    const response = await this.options.fetchApi.fetch(
      `${baseUrl}${path}`,
      init,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }
}
