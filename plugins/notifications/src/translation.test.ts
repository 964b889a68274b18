import { TranslationRef } from '@backstage/core-plugin-api/alpha';
import { notificationsTranslationRef } from './translation';

type HeraldKey = typeof notificationsTranslationRef extends TranslationRef<
  string,
  infer TMessages
>
  ? keyof TMessages
  : never;

/**
 * Every key of upstream's `notificationsTranslationRef` (version 0.6.2).
 * `satisfies` makes `tsc` fail when Herald's ref lacks one of them, so a
 * translation written for upstream always type-checks against Herald.
 */
const upstreamKeys = [
  'table.errors.markAllReadFailed',
  'table.pagination.labelDisplayedRows',
  'table.pagination.firstTooltip',
  'table.pagination.labelRowsSelect',
  'table.pagination.lastTooltip',
  'table.pagination.nextTooltip',
  'table.pagination.previousTooltip',
  'table.emptyMessage',
  'table.bulkActions.markAllRead',
  'table.bulkActions.markSelectedAsRead',
  'table.bulkActions.returnSelectedAmongUnread',
  'table.bulkActions.saveSelectedForLater',
  'table.bulkActions.undoSaveForSelected',
  'table.confirmDialog.cancel',
  'table.confirmDialog.title',
  'table.confirmDialog.markAllReadDescription',
  'table.confirmDialog.markAllReadConfirmation',
  'filters.view.all',
  'filters.view.label',
  'filters.view.read',
  'filters.view.saved',
  'filters.view.unread',
  'filters.title',
  'filters.severity.normal',
  'filters.severity.high',
  'filters.severity.low',
  'filters.severity.label',
  'filters.severity.critical',
  'filters.topic.label',
  'filters.topic.anyTopic',
  'filters.createdAfter.label',
  'filters.createdAfter.placeholder',
  'filters.createdAfter.last24h',
  'filters.createdAfter.lastWeek',
  'filters.createdAfter.anyTime',
  'filters.sortBy.origin',
  'filters.sortBy.label',
  'filters.sortBy.placeholder',
  'filters.sortBy.newest',
  'filters.sortBy.oldest',
  'filters.sortBy.topic',
  'settings.table.origin',
  'settings.table.topic',
  'settings.title',
  'settings.errors.useNotificationFormat',
  'settings.errorTitle',
  'settings.noSettingsAvailable',
  'sidebar.title',
  'sidebar.errors.markAsReadFailed',
  'sidebar.errors.fetchNotificationFailed',
  'notificationsPage.title',
  'notificationsPage.tableTitle.all_one',
  'notificationsPage.tableTitle.all_other',
  'notificationsPage.tableTitle.saved_one',
  'notificationsPage.tableTitle.saved_other',
  'notificationsPage.tableTitle.unread_one',
  'notificationsPage.tableTitle.unread_other',
  'notificationsPage.tableTitle.read_one',
  'notificationsPage.tableTitle.read_other',
  'unreadCard.emptyState',
  'unreadCard.title_one',
  'unreadCard.title_other',
  'unreadCard.viewAll',
  'unreadCard.columnNotification',
  'unreadCard.columnActions',
  'unreadCard.resultsCount',
] as const satisfies readonly HeraldKey[];

describe('notificationsTranslationRef', () => {
  const internal = notificationsTranslationRef as unknown as {
    getDefaultMessages(): Record<string, string>;
  };

  it('has the upstream id, so translations made for upstream reach it', () => {
    expect(notificationsTranslationRef.id).toBe('plugin.notifications');
  });

  it('has every upstream key, plural forms included', () => {
    expect(Object.keys(internal.getDefaultMessages())).toEqual(
      expect.arrayContaining([...upstreamKeys]),
    );
  });

  it('interpolates every placeholder its texts name with double braces', () => {
    // The table fills the single-brace pagination text itself, as upstream's
    // does; everything else goes through i18next.
    const stray = Object.entries(internal.getDefaultMessages())
      .filter(([key]) => key !== 'table.pagination.labelDisplayedRows')
      .filter(([, text]) => /[{}]/.test(text.replace(/{{\w+}}/g, '')));
    expect(stray).toEqual([]);
  });
});
