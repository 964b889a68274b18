import { createTranslationRef } from '@backstage/core-plugin-api/alpha';

/**
 * The texts of the notifications plugin; apps may translate them.
 *
 * The id and every key of upstream's `notificationsTranslationRef` are kept,
 * so translations written for the upstream plugin apply unchanged. Keys that
 * only Herald has are marked below.
 *
 * @public
 */
export const notificationsTranslationRef = createTranslationRef({
  id: 'plugin.notifications',
  messages: {
    table: {
      errors: {
        markAllReadFailed: 'Failed to mark all notifications as read',
        // Herald only
        updateFailed: 'Failed to update notifications: {{message}}',
      },
      // Single braces as upstream: filled in by the table, not by i18next.
      pagination: {
        labelDisplayedRows: '{from}-{to} of {count}',
        firstTooltip: 'First Page',
        labelRowsSelect: 'rows',
        lastTooltip: 'Last Page',
        nextTooltip: 'Next Page',
        previousTooltip: 'Previous Page',
        // Herald only
        labelRowsPerPage: 'Rows per page:',
      },
      emptyMessage: 'No records to display',
      bulkActions: {
        markAllRead: 'Mark all read',
        markSelectedAsRead: 'Mark selected as read',
        returnSelectedAmongUnread: 'Return selected among unread',
        saveSelectedForLater: 'Save selected for later',
        undoSaveForSelected: 'Undo save for selected',
        // Herald only: done and snooze.
        markSelectedDone: 'Mark selected done',
        returnSelectedToInbox: 'Move selected back to the inbox',
        snoozeSelected: 'Snooze selected',
        unsnoozeSelected: 'Unsnooze selected',
      },
      // Herald only: the actions of a single row.
      rowActions: {
        markAsRead: 'Mark as read',
        returnAmongUnread: 'Return among unread',
        saveForLater: 'Save for later',
        undoSave: 'Undo save',
        markDone: 'Done',
        returnToInbox: 'Move back to the inbox',
        snooze: 'Snooze',
        unsnooze: 'Unsnooze',
        snoozedUntil: 'Snoozed until {{time}}',
      },
      // Herald only: how long a snooze lasts.
      snooze: {
        hour: 'For 1 hour',
        tomorrow: 'Until tomorrow, 9:00',
        nextWeek: 'Until next week, Monday 9:00',
      },
      // Herald only: the notice after marking notifications done.
      undo: {
        done_one: '{{count}} notification marked done.',
        done_other: '{{count}} notifications marked done.',
        action: 'Undo',
        dismiss: 'Dismiss',
      },
      // Herald only: the single-key shortcuts and their help.
      shortcuts: {
        open: 'Keyboard shortcuts (?)',
        title: 'Keyboard shortcuts',
        next: 'Next notification',
        previous: 'Previous notification',
        read: 'Mark read or unread',
        done: 'Mark done, or move back to the inbox',
        save: 'Save for later, or undo save',
        help: 'Show or hide this help',
      },
      // Herald only
      columns: {
        notification: 'Notification',
        actions: 'Actions',
      },
      confirmDialog: {
        cancel: 'Cancel',
        title: 'Are you sure?',
        markAllReadDescription: 'Mark all notifications as read.',
        markAllReadConfirmation: 'Mark All',
      },
      // Herald only
      search: {
        placeholder: 'Search',
        label: 'Search notifications',
      },
      // Herald only
      selection: {
        selectAll: 'Select all',
        selectOne: 'Select {{title}}',
      },
      // Herald only
      loading: 'Loading…',
    },
    filters: {
      view: {
        all: 'All',
        label: 'View',
        read: 'Read notifications',
        saved: 'Saved',
        unread: 'Unread notifications',
        // Herald only
        done: 'Done',
        snoozed: 'Snoozed',
      },
      // Herald only: why the user got a notification.
      reason: {
        label: 'Why you got it',
        any: 'Any reason',
        direct: 'Sent to you',
        group: 'Through a group',
        owner: 'As an owner',
        broadcast: 'Broadcast',
      },
      title: 'Filters',
      severity: {
        normal: 'Normal',
        high: 'High',
        low: 'Low',
        label: 'Min severity',
        critical: 'Critical',
      },
      topic: {
        label: 'Topic',
        anyTopic: 'Any topic',
      },
      createdAfter: {
        label: 'Sent out',
        placeholder: 'Notifications since',
        last24h: 'Last 24h',
        lastWeek: 'Last week',
        anyTime: 'Any time',
      },
      sortBy: {
        origin: 'Origin',
        label: 'Sort by',
        placeholder: 'Field to sort by',
        newest: 'Newest on top',
        oldest: 'Oldest on top',
        topic: 'Topic',
      },
    },
    settings: {
      table: {
        origin: 'Origin',
        topic: 'Topic',
        // Herald only: the topic column of a row for a whole origin.
        allTopics: 'all',
        // Herald only: labels of the switches.
        originSwitch: '{{channel}} notifications from {{origin}}',
        showTopics: 'Show Topics for the {{origin}} origin',
        topicSwitch:
          '{{channel}} notifications from {{origin}} about {{topic}}',
      },
      title: 'Notification settings',
      errors: {
        useNotificationFormat:
          'useNotificationFormat must be used within a NotificationFormatProvider',
        // Herald only
        saveFailed: 'Failed to save notification settings: {{message}}',
      },
      errorTitle: 'Failed to load settings',
      noSettingsAvailable:
        'No notification settings available, check back later',
      // Herald only: the email digest choice of the email module.
      emailDigest: {
        label: 'Email delivery',
        instant: 'Instant',
        hourly: 'Hourly digest',
        daily: 'Daily digest',
        criticalNote: 'Critical notifications are always emailed at once.',
        saveFailed: 'Failed to save the email delivery: {{message}}',
      },
    },
    sidebar: {
      title: 'Notifications',
      errors: {
        markAsReadFailed: 'Failed to mark notification as read',
        fetchNotificationFailed: 'Failed to fetch notification',
      },
      // Herald only
      unreadBadge: 'Unread notifications',
      // Herald only: while the backend or the live connection is gone.
      unreadBadgeReconnecting: 'Unread notifications, reconnecting',
      reconnecting: 'reconnecting',
    },
    // Herald only: the buttons of a snackbar.
    snackbar: {
      open: 'Open',
      markAsRead: 'Mark as read',
      // Several notifications that arrived together, in one snackbar.
      burst_one: '{{count}} new notification',
      burst_other: '{{count}} new notifications',
      view: 'View',
    },
    notificationsPage: {
      title: 'Notifications',
      tableTitle: {
        all_one: 'All notifications ({{count}})',
        all_other: 'All notifications ({{count}})',
        saved_one: 'Saved notifications ({{count}})',
        saved_other: 'Saved notifications ({{count}})',
        unread_one: 'Unread notifications ({{count}})',
        unread_other: 'Unread notifications ({{count}})',
        read_one: 'Read notifications ({{count}})',
        read_other: 'Read notifications ({{count}})',
        // Herald only
        done_one: 'Done notifications ({{count}})',
        done_other: 'Done notifications ({{count}})',
        snoozed_one: 'Snoozed notifications ({{count}})',
        snoozed_other: 'Snoozed notifications ({{count}})',
      },
      // Herald only
      errorTitle: 'Failed to load notifications',
      // Herald only: shown above the last loaded list while loading fails.
      loadFailed: '({{message}}). Retrying by itself.',
      retry: 'Retry',
    },
    unreadCard: {
      emptyState: 'All caught up!',
      title_one: 'Last unread notifications ({{count}})',
      title_other: 'Last unread notifications ({{count}})',
      viewAll: 'View All',
      columnNotification: 'Notification',
      columnActions: 'Actions',
      resultsCount: '{{displayed}} results out of {{total}}',
      // Herald only
      errors: {
        updateFailed: 'Failed to update notifications',
      },
      // Herald only
      reconnecting: 'Reconnecting…',
    },
    // Herald only: texts around a single notification.
    notification: {
      broadcast: 'Broadcast',
      showMore: 'Show more',
      showLess: 'Show less',
    },
    // Herald only: why the user got a notification, on its row.
    reason: {
      label: 'Why',
      direct: 'sent to you',
      group: 'member of {{group}}',
      owner: 'owner of {{entity}}',
      ownerVia: 'owner of {{entity}} through {{group}}',
      broadcast: 'broadcast to everyone',
    },
    // Herald only
    renderError: {
      placeholder: 'This notification could not be shown',
    },
  },
});
