import {
  Content,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  EXAMPLE_TODO_SIGNAL_CHANNEL,
  Todo,
  TodoSignal,
} from '@herald/plugin-example-todo-common';
import { useSignal, useSignalGap } from '@herald/plugin-signals-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { useCallback, useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { exampleTodoApiRef } from '../api';

function upsert(todos: Todo[], changed: Todo): Todo[] {
  return todos.some(todo => todo.id === changed.id)
    ? todos.map(todo => (todo.id === changed.id ? changed : todo))
    : [...todos, changed];
}

function describeSignal(signal: TodoSignal): string {
  const { todo } = signal;
  return signal.action === 'todo_completed'
    ? `"${todo.title}" was completed by ${todo.completedBy}`
    : `"${todo.title}" was created for ${todo.owner}`;
}

function TodoRow(props: {
  todo: Todo;
  onComplete: (id: string) => Promise<void>;
}) {
  const { todo, onComplete } = props;
  const [busy, setBusy] = useState(false);
  const complete = async () => {
    setBusy(true);
    try {
      await onComplete(todo.id);
    } finally {
      setBusy(false);
    }
  };
  return (
    <ListItem data-testid={`todo-${todo.id}`}>
      <ListItemText
        primary={todo.title}
        secondary={
          todo.completed
            ? `Owner ${todo.owner} · completed by ${todo.completedBy}`
            : `Owner ${todo.owner} · open`
        }
      />
      {todo.completed ? (
        <Typography variant="body2">Done</Typography>
      ) : (
        <Button
          variant="outlined"
          color="primary"
          disabled={busy}
          onClick={complete}
        >
          Complete
        </Button>
      )}
    </ListItem>
  );
}

/**
 * Shows the todos and keeps them current: completing one here or anywhere
 * else arrives as a {@link TodoSignal} on the `example-todo` channel.
 */
export function ExampleTodoPage() {
  const api = useApi(exampleTodoApiRef);
  const { lastSignal, isSignalsAvailable } = useSignal<TodoSignal>(
    EXAMPLE_TODO_SIGNAL_CHANNEL,
  );
  const [todos, setTodos] = useState<Todo[]>([]);
  const [actionError, setActionError] = useState<Error>();
  const loading = useAsyncRetry(
    async () => setTodos(await api.listTodos()),
    [api],
  );
  // Signals missed while disconnected cannot all be replayed; the list is
  // then fetched again instead of silently going stale.
  useSignalGap(EXAMPLE_TODO_SIGNAL_CHANNEL, loading.retry);

  useEffect(() => {
    if (lastSignal) {
      setTodos(current => upsert(current, lastSignal.todo));
    }
  }, [lastSignal]);

  const completeTodo = useCallback(
    async (id: string) => {
      setActionError(undefined);
      try {
        const completed = await api.completeTodo(id);
        setTodos(current => upsert(current, completed));
      } catch (error) {
        setActionError(error);
      }
    },
    [api],
  );

  return (
    <Page themeId="tool">
      <Header
        title="Example todos"
        subtitle="Signals and notifications from your own plugin"
      />
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12}>
            <InfoCard title="Last event">
              <Typography data-testid="last-event">
                {lastSignal && describeSignal(lastSignal)}
                {!lastSignal &&
                  (isSignalsAvailable
                    ? 'Waiting for changes…'
                    : 'Signals are not installed; reload to see changes.')}
              </Typography>
            </InfoCard>
          </Grid>
          <Grid item xs={12}>
            {actionError && <ResponseErrorPanel error={actionError} />}
            {loading.error && <ResponseErrorPanel error={loading.error} />}
            {loading.loading ? (
              <Progress />
            ) : (
              <InfoCard title="Todos">
                <List>
                  {todos.map(todo => (
                    <TodoRow
                      key={todo.id}
                      todo={todo}
                      onComplete={completeTodo}
                    />
                  ))}
                </List>
              </InfoCard>
            )}
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}
