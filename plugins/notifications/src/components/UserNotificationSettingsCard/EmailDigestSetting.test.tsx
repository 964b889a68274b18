import {
  alertApiRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EmailDigestSetting } from './EmailDigestSetting';

/** Answers `/email/digest` as the email module does, or 404 without it. */
function digestRoute(options: { installed: boolean; failPut?: boolean }) {
  let frequency = 'instant';
  const requests: Array<{ method: string; body?: unknown }> = [];
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  const fetch = async (url: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    requests.push({
      method,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    });
    if (!options.installed || url !== 'http://backend.test/email/digest') {
      return json(404, { error: { name: 'NotFoundError', message: 'nope' } });
    }
    if (method === 'PUT') {
      if (options.failPut) {
        return json(500, { error: { name: 'Error', message: 'db down' } });
      }
      frequency = (JSON.parse(String(init!.body)) as any).frequency;
    }
    return json(200, { frequency, chosen: method === 'PUT' });
  };
  return { fetch, requests };
}

async function renderSetting(route: ReturnType<typeof digestRoute>) {
  const alerts: string[] = [];
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [discoveryApiRef, { getBaseUrl: async () => 'http://backend.test' }],
        [fetchApiRef, { fetch: route.fetch as typeof fetch }],
        [alertApiRef, { post: ({ message }: any) => alerts.push(message) }],
      ]}
    >
      <EmailDigestSetting />
    </TestApiProvider>,
  );
  return alerts;
}

jest.setTimeout(30_000);

describe('EmailDigestSetting', () => {
  it('shows the stored choice and saves a new one', async () => {
    const route = digestRoute({ installed: true });
    await renderSetting(route);
    const select = await screen.findByRole('button', {
      name: /Email delivery/,
    });
    expect(select).toHaveTextContent('Instant');
    expect(
      screen.getByText('Critical notifications are always emailed at once.'),
    ).toBeInTheDocument();

    await userEvent.click(select);
    await userEvent.click(
      await screen.findByRole('option', { name: 'Daily digest' }),
    );

    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: /Email delivery/ }),
      ).toHaveTextContent('Daily digest'),
    );
    expect(route.requests).toEqual([
      { method: 'GET', body: undefined },
      { method: 'PUT', body: { frequency: 'daily' } },
    ]);
  });

  it('reports a failed save and keeps the stored choice', async () => {
    const route = digestRoute({ installed: true, failPut: true });
    const alerts = await renderSetting(route);
    await userEvent.click(
      await screen.findByRole('button', { name: /Email delivery/ }),
    );
    await userEvent.click(
      await screen.findByRole('option', { name: 'Hourly digest' }),
    );
    await waitFor(() => expect(alerts).toHaveLength(1));
    expect(alerts[0]).toMatch(/^Failed to save the email delivery: /);
    expect(
      screen.getByRole('button', { name: /Email delivery/ }),
    ).toHaveTextContent('Instant');
  });

  it('renders nothing without the email module', async () => {
    const route = digestRoute({ installed: false });
    await renderSetting(route);
    await waitFor(() => expect(route.requests).toHaveLength(1));
    expect(screen.queryByText('Email delivery')).not.toBeInTheDocument();
  });
});
