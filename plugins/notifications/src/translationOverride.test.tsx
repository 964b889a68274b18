import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { createTranslationMessages } from '@backstage/core-plugin-api/alpha';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { TranslationBlueprint } from '@backstage/plugin-app-react';
import { screen } from '@testing-library/react';
import { notificationsApiRef } from './api';
import { NotificationsTable } from './components/NotificationsTable';
import { InMemoryNotificationsApi } from './__testUtils__';
import { notificationsTranslationRef } from './translation';

describe('translations written for upstream', () => {
  it('replace the texts of the components', async () => {
    // Keys and ref exactly as an app would write them for upstream's plugin.
    const upstreamStyle = createTranslationMessages({
      ref: notificationsTranslationRef,
      messages: {
        'table.emptyMessage': 'Rien à afficher',
      },
    });
    await renderInTestApp(
      <NotificationsTable
        isUnread
        notifications={[]}
        onUpdate={() => {}}
        setContainsText={() => {}}
        pageSize={5}
      />,
      {
        apis: [[notificationsApiRef, new InMemoryNotificationsApi()]],
        features: [
          createFrontendModule({
            pluginId: 'app',
            extensions: [
              TranslationBlueprint.make({
                name: 'upstream-style',
                params: { resource: upstreamStyle },
              }),
            ],
          }),
        ],
      },
    );
    expect(await screen.findByText('Rien à afficher')).toBeInTheDocument();
    expect(screen.queryByText('No records to display')).not.toBeInTheDocument();
  });
});
