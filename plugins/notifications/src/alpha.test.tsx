import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import notificationsPlugin, {
  notificationsApi,
  notificationsPage,
  unreadNotificationsWidget,
} from './alpha';
import { notificationsApiRef } from './api';

describe('notifications plugin for the new frontend system', () => {
  it('has the upstream plugin id and extension ids', () => {
    expect(notificationsPlugin.id).toBe('notifications');
    expect(
      notificationsPlugin.getExtension('page:notifications'),
    ).toBeDefined();
    expect(notificationsPlugin.getExtension('api:notifications')).toBeDefined();
    expect(
      notificationsPlugin.getExtension(
        'home-page-widget:notifications/unread-notifications',
      ),
    ).toBeDefined();
  });

  it('mounts the page at /notifications with a title and icon for navigation', () => {
    const tester = createExtensionTester(notificationsPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/notifications');
    expect(tester.get(coreExtensionData.title)).toBe('Notifications');
    expect(tester.get(coreExtensionData.icon)).toBeDefined();
  });

  it('lets the app move the page with config', () => {
    const tester = createExtensionTester(notificationsPage, {
      config: { path: '/inbox' },
    });
    expect(tester.get(coreExtensionData.routePath)).toBe('/inbox');
  });

  it('provides the notifications API under the upstream ref id', () => {
    expect(notificationsApiRef.id).toBe('plugin.notifications.service');
    expect(notificationsApi.kind).toBe('api');
    expect(unreadNotificationsWidget.kind).toBe('home-page-widget');
  });
});
