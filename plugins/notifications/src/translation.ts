import { createTranslationRef } from '@backstage/core-plugin-api/alpha';

/**
 * The texts of the notifications plugin; apps may translate them.
 * @public
 */
export const notificationsTranslationRef = createTranslationRef({
  id: 'plugin.notifications',
  messages: {
    notificationsPage: {
      title: 'Notifications',
      tableTitle: {
        all: 'All notifications ({{count}})',
        saved: 'Saved notifications ({{count}})',
        unread: 'Unread notifications ({{count}})',
        read: 'Read notifications ({{count}})',
      },
    },
    filters: {
      title: 'Filters',
      view: {
        label: 'View',
        unread: 'Unread notifications',
        read: 'Read notifications',
        saved: 'Saved',
        all: 'All',
      },
      createdAfter: {
        label: 'Sent out',
        placeholder: 'Notifications since',
        last24h: 'Last 24h',
        lastWeek: 'Last week',
        anyTime: 'Any time',
      },
      sortBy: {
        label: 'Sort by',
        placeholder: 'Field to sort by',
        newest: 'Newest on top',
        oldest: 'Oldest on top',
        topic: 'Topic',
        origin: 'Origin',
      },
      severity: {
        label: 'Min severity',
        critical: 'Critical',
        high: 'High',
        normal: 'Normal',
        low: 'Low',
      },
      topic: {
        label: 'Topic',
        anyTopic: 'Any topic',
      },
    },
    sidebar: {
      title: 'Notifications',
    },
    settings: {
      title: 'Notification settings',
      errorTitle: 'Failed to load settings',
      noSettingsAvailable:
        'No notification settings available, check back later',
      table: {
        origin: 'Origin',
        topic: 'Topic',
      },
    },
    unreadCard: {
      title: 'Last unread notifications ({{count}})',
      viewAll: 'View All',
      allCaughtUp: 'All caught up!',
    },
    renderError: {
      placeholder: 'This notification could not be shown',
    },
  },
});
