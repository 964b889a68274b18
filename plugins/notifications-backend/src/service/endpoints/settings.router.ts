import { NotificationSettingsService } from '../../settings/types';
import { CallerServices, NotificationsApiRouter, currentUser } from './types';

/** `GET` and `POST /settings`: the caller's channel, origin and topic switches. */
export function bindSettingsEndpoints(
  router: NotificationsApiRouter,
  options: CallerServices & { settings: NotificationSettingsService },
) {
  const { settings } = options;
  router.get('/settings', async (req, res) => {
    const user = await currentUser(req, options);
    res.json(await settings.getSettings(user));
  });
  router.post('/settings', async (req, res) => {
    const user = await currentUser(req, options);
    res.json(await settings.saveSettings(user, req.body));
  });
}
