import {
  ApiBlueprint,
  coreExtensionData,
} from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import notificationsPlugin, {
  notificationsApi,
  notificationsHomeModule,
  notificationsPage,
  unreadNotificationsWidget,
} from './alpha';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { notificationsApiRef } from './api';
import notificationsHomeModuleEntry from './notificationsHomeModuleEntry';

describe('notifications plugin for the new frontend system', () => {
  it('describes the unread home widget with the upstream layout and settings', () => {
    const widget = createExtensionTester(unreadNotificationsWidget).get(
      HomePageWidgetBlueprint.dataRefs.widget,
    );
    expect(widget.name).toBe('UnreadNotifications');
    expect(widget.description).toBe('Shows the latest unread notifications');
    expect(widget.layout).toEqual({
      width: { minColumns: 4, maxColumns: 12, defaultColumns: 6 },
      height: { minRows: 5, maxRows: 14, defaultRows: 10 },
    });
    expect(widget.settings?.schema?.properties).toMatchObject({
      maxMessages: { default: 5, minimum: 1, maximum: 20 },
      charLimit: { default: 80, minimum: 20, maximum: 200 },
    });
  });

  it('has the upstream plugin id and extension ids', () => {
    expect(notificationsPlugin.pluginId).toBe('notifications');
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

  it('loads its package.json for the plugin info the app shows', async () => {
    // The app reads these options when it installs the plugin; info() only
    // answers inside an app.
    const { infoOptions } = notificationsPlugin as unknown as {
      infoOptions: { packageJson: () => Promise<{ name: string }> };
    };
    await expect(infoOptions.packageJson()).resolves.toMatchObject({
      name: '@herald/plugin-notifications',
    });
  });

  it('offers the widget to the home plugin as a module that starts disabled', () => {
    expect(notificationsHomeModuleEntry).toBe(notificationsHomeModule);
    expect(notificationsHomeModule.$$type).toBe('@backstage/FrontendModule');
    expect(notificationsHomeModule.pluginId).toBe('home');
    const { extensions } = notificationsHomeModule as unknown as {
      extensions: Array<{ id: string; disabled: boolean }>;
    };
    expect(extensions.map(({ id, disabled }) => ({ id, disabled }))).toEqual([
      { id: 'home-page-widget:home/unread-notifications', disabled: true },
    ]);
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

  it('lets the app rename the page, and so its nav item, with config', () => {
    const tester = createExtensionTester(notificationsPage, {
      config: { title: 'Inbox' },
    });
    expect(tester.get(coreExtensionData.title)).toBe('Inbox');
  });

  it('provides the notifications API under the upstream ref id', () => {
    expect(notificationsApiRef.id).toBe('plugin.notifications.service');
    const factory = createExtensionTester(notificationsApi).get(
      ApiBlueprint.dataRefs.factory,
    );
    expect(factory.api.id).toBe('plugin.notifications.service');
    expect(Object.keys(factory.deps).sort()).toEqual([
      'discoveryApi',
      'fetchApi',
    ]);
  });
});
