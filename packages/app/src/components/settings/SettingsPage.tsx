import { Content, Header, Page } from '@backstage/core-components';
import { UserNotificationSettingsCard } from '@herald/plugin-notifications';
import Grid from '@material-ui/core/Grid';

/**
 * The user's settings; here only which notifications reach which channel.
 */
export const SettingsPage = () => (
  <Page themeId="home">
    <Header title="Settings" />
    <Content>
      <Grid container spacing={3}>
        <Grid item xs={12} lg={10}>
          <UserNotificationSettingsCard
            originNames={{ 'external-ci': 'External CI' }}
          />
        </Grid>
      </Grid>
    </Content>
  </Page>
);
