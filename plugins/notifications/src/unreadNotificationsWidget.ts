import { HomePageWidgetBlueprintParams } from '@backstage/plugin-home-react/alpha';

/**
 * The unread notifications card as a home page widget, shared by the
 * plugin's own widget and the home module's.
 */
export const unreadNotificationsWidgetParams: HomePageWidgetBlueprintParams = {
  name: 'UnreadNotifications',
  title: 'Unread notifications',
  description: 'Shows the latest unread notifications',
  layout: {
    width: { minColumns: 4, maxColumns: 12, defaultColumns: 6 },
    height: { minRows: 5, maxRows: 14, defaultRows: 10 },
  },
  settings: {
    schema: {
      title: 'Unread notifications',
      type: 'object',
      properties: {
        maxMessages: {
          title: 'Number of notifications',
          type: 'number',
          default: 5,
          minimum: 1,
          maximum: 20,
        },
        charLimit: {
          title: 'Characters of a title',
          type: 'number',
          default: 80,
          minimum: 20,
          maximum: 200,
        },
      },
    },
  },
  components: () =>
    import('./components/UnreadNotificationsCard').then(m => ({
      Content: m.UnreadNotificationsWidgetContent,
    })),
};
