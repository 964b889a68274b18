import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { Todo, TodoSignal } from '@herald/plugin-example-todo-common';
import { SignalApi, signalApiRef } from '@herald/plugin-signals-react';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ExampleTodoApi, exampleTodoApiRef } from '../api';
import { ExampleTodoPage } from './ExampleTodoPage';

/** Delivers messages to subscribers the way the signal client would. */
class FakeSignalApi implements SignalApi {
  private readonly subscribers = new Map<string, Set<(m: any) => void>>();
  private readonly observers = new Set<{ onGap?(channel: string): void }>();

  subscribe<T>(channel: string, onMessage: (message: T) => void) {
    const set = this.subscribers.get(channel) ?? new Set();
    set.add(onMessage);
    this.subscribers.set(channel, set);
    return { unsubscribe: () => set.delete(onMessage) };
  }

  emit(channel: string, message: object) {
    this.subscribers.get(channel)?.forEach(onMessage => onMessage(message));
  }

  observeConnection(observer: { onGap?(channel: string): void }) {
    this.observers.add(observer);
    return { unsubscribe: () => this.observers.delete(observer) };
  }

  gap(channel: string) {
    this.observers.forEach(observer => observer.onGap?.(channel));
  }

  subscriberCount(channel: string) {
    return this.subscribers.get(channel)?.size ?? 0;
  }
}

const openTodos: Todo[] = [
  {
    id: '1',
    title: 'Rotate secrets',
    owner: 'group:default/team-a',
    completed: false,
  },
  {
    id: '2',
    title: 'Review handbook',
    owner: 'user:default/jane',
    completed: false,
  },
];

function fakeTodoApi(): ExampleTodoApi & {
  completed: string[];
  listCalls: number;
} {
  const completed: string[] = [];
  const api = {
    completed,
    listCalls: 0,
    listTodos: async () => {
      api.listCalls += 1;
      return openTodos;
    },
    completeTodo: async (id: string) => {
      completed.push(id);
      return {
        ...openTodos.find(t => t.id === id)!,
        completed: true,
        completedBy: 'user:default/guest',
        completedAt: '2024-05-01T10:00:00.000Z',
      };
    },
  };
  return api;
}

async function renderPage() {
  const signals = new FakeSignalApi();
  const todoApi = fakeTodoApi();
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [exampleTodoApiRef, todoApi],
        [signalApiRef, signals],
      ]}
    >
      <ExampleTodoPage />
    </TestApiProvider>,
  );
  await screen.findByText('Rotate secrets');
  return { signals, todoApi };
}

/** The Complete button in the row of the todo with `id`. */
function completeButton(id: string) {
  return within(screen.getByTestId(`todo-${id}`)).getByRole('button', {
    name: 'Complete',
  });
}

describe('ExampleTodoPage', () => {
  it('updates a todo and the last event when a signal arrives', async () => {
    const { signals } = await renderPage();
    expect(signals.subscriberCount('example-todo')).toBe(1);
    expect(screen.getByTestId('last-event')).toHaveTextContent(
      'Waiting for changes',
    );

    const message: TodoSignal = {
      action: 'todo_completed',
      todo: {
        ...openTodos[0],
        completed: true,
        completedBy: 'user:default/jane',
        completedAt: '2024-05-01T10:00:00.000Z',
      },
    };
    act(() => signals.emit('example-todo', message));

    expect(screen.getByTestId('last-event')).toHaveTextContent(
      '"Rotate secrets" was completed by user:default/jane',
    );
    const row = screen.getByTestId('todo-1');
    expect(within(row).getByText('Done')).toBeInTheDocument();
    expect(
      within(row).getByText(/completed by user:default\/jane/),
    ).toBeInTheDocument();
    expect(completeButton('2')).toBeInTheDocument();
  });

  it('adds a todo announced by a todo_created signal', async () => {
    const { signals } = await renderPage();

    act(() =>
      signals.emit('example-todo', {
        action: 'todo_created',
        todo: {
          id: '3',
          title: 'Write release notes',
          owner: 'group:default/team-b',
          completed: false,
        },
      }),
    );

    expect(await screen.findByText('Write release notes')).toBeInTheDocument();
    expect(screen.getByTestId('last-event')).toHaveTextContent(
      '"Write release notes" was created for group:default/team-b',
    );
  });

  it('ignores signals of other channels', async () => {
    const { signals } = await renderPage();

    act(() =>
      signals.emit('notifications', {
        action: 'todo_completed',
        todo: { ...openTodos[0], completed: true, completedBy: 'x' },
      }),
    );

    expect(completeButton('1')).toBeInTheDocument();
  });

  it('completes a todo through the API', async () => {
    const { todoApi } = await renderPage();

    await userEvent.click(completeButton('2'));

    await waitFor(() =>
      expect(
        within(screen.getByTestId('todo-2')).getByText('Done'),
      ).toBeInTheDocument(),
    );
    expect(todoApi.completed).toEqual(['2']);
  });

  it('fetches the list again when signals on its channel were missed', async () => {
    const { signals, todoApi } = await renderPage();
    expect(todoApi.listCalls).toBe(1);

    act(() => signals.gap('notifications'));
    expect(todoApi.listCalls).toBe(1);

    act(() => signals.gap('example-todo'));
    await waitFor(() => expect(todoApi.listCalls).toBe(2));
    expect(await screen.findByText('Rotate secrets')).toBeInTheDocument();
  });
});
