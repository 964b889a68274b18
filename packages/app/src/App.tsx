import { Navigate, Route } from 'react-router-dom';
import { createApp } from '@backstage/app-defaults';
import { AppRouter, FlatRoutes } from '@backstage/core-app-api';
import {
  AlertDisplay,
  OAuthRequestDialog,
  SignInPage,
} from '@backstage/core-components';
import { NotificationsPage } from '@herald/plugin-notifications';
import { SignalsDisplay } from '@herald/plugin-signals';
import { ExampleTodoPage } from '@herald/plugin-example-todo';
import { Root } from './components/Root';
import { SettingsPage } from './components/settings/SettingsPage';

const app = createApp({
  components: {
    SignInPage: props => (
      <SignInPage {...props} providers={['guest']} title="Herald" />
    ),
  },
});

const routes = (
  <FlatRoutes>
    <Route path="/" element={<Navigate to="notifications" />} />
    <Route path="/notifications" element={<NotificationsPage />} />
    <Route path="/settings" element={<SettingsPage />} />
    <Route path="/example-todo" element={<ExampleTodoPage />} />
  </FlatRoutes>
);

export default app.createRoot(
  <>
    <AlertDisplay transientTimeoutMs={2500} />
    <OAuthRequestDialog />
    <SignalsDisplay />
    <AppRouter>
      <Root>{routes}</Root>
    </AppRouter>
  </>,
);
