/*
 * Browser test of the example todo plugin: its page follows the
 * `example-todo` signal channel, so a todo completed through the backend
 * changes on screen without a reload.
 */
const { guestToken } = require('./harness');

const TIMEOUT = 15_000;

async function todosApi(backendUrl, token, path, init = {}) {
  const response = await fetch(`${backendUrl}/api/example-todo${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${token}` },
  });
  if (!response.ok) {
    throw new Error(
      `${init.method ?? 'GET'} ${path} answered ${
        response.status
      }: ${await response.text()}`,
    );
  }
  return response.json();
}

const tests = [
  {
    name: 'the example todo page updates live when a todo is completed through the backend',
    async run({ page, backendUrl }) {
      // Navigating inside the app keeps the signals connection open, as a
      // user clicking the sidebar would.
      await page
        .getByRole('link', { name: 'Todos' })
        .click({ timeout: TIMEOUT });
      await page.getByText('Waiting for changes').waitFor({ timeout: TIMEOUT });

      const token = await guestToken(backendUrl);
      const { items } = await todosApi(backendUrl, token, '/todos');
      // A todo of a group the guest is not in, so the inbox is left alone.
      const todo = items.find(
        t => !t.completed && t.owner === 'group:default/frontend-team',
      );
      if (!todo) {
        throw new Error(
          `No open frontend-team todo in ${JSON.stringify(items)}`,
        );
      }
      const row = page.getByTestId(`todo-${todo.id}`);
      await row
        .getByRole('button', { name: 'Complete' })
        .waitFor({ timeout: TIMEOUT });
      await page.evaluate(() => {
        window.__heraldExampleTodoNoReload = true;
      });

      await todosApi(backendUrl, token, `/todos/${todo.id}/complete`, {
        method: 'POST',
      });

      await row.getByText('Done').waitFor({ timeout: TIMEOUT });
      await page
        .getByTestId('last-event')
        .getByText(`"${todo.title}" was completed by user:default/guest`)
        .waitFor({ timeout: TIMEOUT });
      const stayed = await page.evaluate(
        () => window.__heraldExampleTodoNoReload === true,
      );
      if (!stayed) {
        throw new Error(
          'The page reloaded instead of updating from the signal',
        );
      }
    },
  },
];

module.exports = { tests };
