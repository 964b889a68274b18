import { TableProps } from '@backstage/core-components';
import { useApi, alertApiRef } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import {
  Box,
  Cell,
  Column,
  Flex,
  Row,
  SearchField,
  Selection,
  TableBody,
  TableHeader,
  TableRoot,
  Text,
} from '@backstage/ui';
import { Notification } from '@herald/plugin-notifications-common';
import throttle from 'lodash/throttle';
import { CSSProperties, useEffect, useMemo, useRef, useState } from 'react';
import { notificationsApiRef } from '../../api';
import { markAllRead } from '../../api/markAllRead';
import { useMarkAsReadOnOpen } from '../../hooks/useOpenNotification';
import {
  NotificationChange,
  useUpdateNotifications,
} from '../../hooks/useUpdateNotifications';
import { notificationsTranslationRef } from '../../translation';
import {
  NotificationBody,
  NotificationErrorBoundary,
  NotificationIcon,
  NotificationMeta,
  NotificationTitle,
  NotificationUnavailable,
  secondaryTextColor,
  severityColor,
} from '../NotificationContent';
import {
  MarkAllReadButton,
  NotificationActionButtons,
  UndoDoneNotice,
} from './BulkActions';
import { NotificationReasons } from './NotificationReasons';
import { Pager } from './Pager';
import { ShortcutsHelp } from './ShortcutsHelp';
import { InboxShortcutKey, useInboxShortcuts } from './shortcuts';
import { snoozedUntilOf } from './snooze';

const SEARCH_THROTTLE_MS = 1000;

/** Critical and high rows carry a bar in their severity's colour. */
const severityBar: Record<string, CSSProperties> = {
  critical: { boxShadow: `inset 4px 0 0 ${severityColor('critical')}` },
  high: { boxShadow: `inset 4px 0 0 ${severityColor('high')}` },
};
const highlightedRow: CSSProperties = {
  backgroundColor: 'var(--bui-bg-neutral-2)',
};

/**
 * The paging props keep the shapes of the Backstage table's, as upstream's
 * do, so code written for upstream's table passes them unchanged.
 * @public
 */
export type NotificationsTableProps = Pick<
  TableProps,
  'onPageChange' | 'onRowsPerPageChange' | 'page' | 'totalCount' | 'title'
> & {
  /**
   * Whether following the title or a body link marks the notification
   * read; defaults to `notifications.markAsReadOnLinkOpen`, else true.
   */
  markAsReadOnLinkOpen?: boolean;
  isLoading?: boolean;
  isUnread: boolean;
  notifications?: Notification[];
  highlightedNotificationId?: string;
  onUpdate: () => void;
  /** The search the list is filtered by, when the page keeps one. */
  containsText?: string;
  setContainsText: (search: string) => void;
  pageSize: number;
};

function rowsOf(root: HTMLElement | null): HTMLElement[] {
  return root
    ? Array.from(
        root.querySelectorAll<HTMLElement>('[data-testid="notification-row"]'),
      )
    : [];
}

/**
 * The notifications of one page with selection, per-row and bulk actions,
 * server-side search, paging and single-key shortcuts.
 * @public
 */
export function NotificationsTable(props: NotificationsTableProps) {
  const {
    title,
    isLoading,
    isUnread,
    notifications = [],
    highlightedNotificationId,
    onUpdate,
    setContainsText,
    onPageChange,
    onRowsPerPageChange,
    page = 0,
    pageSize,
    totalCount,
  } = props;
  const markAsReadOnLinkOpen = useMarkAsReadOnOpen(props.markAsReadOnLinkOpen);
  const api = useApi(notificationsApiRef);
  const alertApi = useApi(alertApiRef);
  const { t } = useTranslationRef(notificationsTranslationRef);
  const [selectedIds, setSelectedIds] = useState<Set<string>>(new Set());
  // What the last done took out of the inbox, and which of it was unread,
  // so Undo puts it back as it was (done marks read).
  const [lastDone, setLastDone] = useState<{
    ids: string[];
    unreadIds: string[];
  }>({ ids: [], unreadIds: [] });
  const [helpOpen, setHelpOpen] = useState(false);
  const [search, setSearch] = useState(props.containsText ?? '');
  const rootRef = useRef<HTMLDivElement | null>(null);
  // Follow a search set from outside (Back, a link), but not the echo of
  // what this box sent.
  const sent = useRef(search);
  useEffect(() => {
    if (
      props.containsText !== undefined &&
      props.containsText !== sent.current
    ) {
      sent.current = props.containsText;
      setSearch(props.containsText);
    }
  }, [props.containsText]);

  const idsKey = notifications.map(n => n.id).join(',');
  useEffect(() => {
    setSelectedIds(previous => {
      const visible = new Set(idsKey.split(','));
      const kept = [...previous].filter(id => visible.has(id));
      return kept.length === previous.size ? previous : new Set(kept);
    });
  }, [idsKey]);

  // After an action on a row, focus stays where it was; when the row left
  // the list (read in the Unread view, done, snoozed), it moves to the row
  // that took its place, so the keyboard user keeps their place.
  const focusAfterUpdate = useRef<{ id: string; index: number } | undefined>();
  useEffect(() => {
    const pending = focusAfterUpdate.current;
    if (!pending) {
      return;
    }
    focusAfterUpdate.current = undefined;
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected) {
      return;
    }
    const rows = rowsOf(rootRef.current);
    const target =
      rows.find(row => row.dataset.notificationId === pending.id) ??
      rows[Math.min(pending.index, rows.length - 1)];
    target?.focus();
  }, [idsKey]);

  const setContainsTextRef = useRef(setContainsText);
  setContainsTextRef.current = setContainsText;
  const throttledSearch = useMemo(
    () =>
      throttle((text: string) => {
        sent.current = text;
        setContainsTextRef.current(text);
      }, SEARCH_THROTTLE_MS),
    [],
  );
  useEffect(() => () => throttledSearch.cancel(), [throttledSearch]);

  const scrolledTo = useRef<string | undefined>(undefined);
  useEffect(() => {
    const row = rowsOf(rootRef.current).find(
      element => element.dataset.notificationId === highlightedNotificationId,
    );
    if (
      row &&
      highlightedNotificationId &&
      scrolledTo.current !== highlightedNotificationId
    ) {
      scrolledTo.current = highlightedNotificationId;
      row.scrollIntoView?.({ behavior: 'smooth', block: 'center' });
      row.focus();
    }
  }, [highlightedNotificationId, idsKey]);

  const updateNotifications = useUpdateNotifications(e =>
    t('table.errors.updateFailed', { message: e.message }),
  );
  const update = async (
    targets: Notification[],
    change: NotificationChange,
  ) => {
    const stored = await updateNotifications(
      targets.map(n => n.id),
      change,
    );
    if (stored && targets.length === 1) {
      const index = notifications.findIndex(n => n.id === targets[0].id);
      if (index >= 0) {
        focusAfterUpdate.current = { id: targets[0].id, index };
      }
    }
    onUpdate();
    return stored;
  };
  const actions = {
    onSave: (targets: Notification[], saved: boolean) =>
      update(targets, { saved }),
    onRead: (targets: Notification[], read: boolean) =>
      update(targets, { read }),
    onDone: async (targets: Notification[], done: boolean) => {
      const stored = await update(targets, { done });
      if (stored) {
        setLastDone({
          ids: done ? targets.map(n => n.id) : [],
          unreadIds: done ? targets.filter(n => !n.read).map(n => n.id) : [],
        });
      }
    },
    onSnooze: (targets: Notification[], snoozedUntil: Date | null) =>
      update(targets, { snoozedUntil }),
  };
  const undoDone = async () => {
    const { ids, unreadIds } = lastDone;
    setLastDone({ ids: [], unreadIds: [] });
    const readIds = ids.filter(id => !unreadIds.includes(id));
    const restored = await Promise.all([
      unreadIds.length > 0 &&
        updateNotifications(unreadIds, { done: false, read: false }),
      readIds.length > 0 && updateNotifications(readIds, { done: false }),
    ]);
    if (restored.some(Boolean)) {
      onUpdate();
    }
  };

  const onMarkAllRead = async () => {
    try {
      await markAllRead(api);
    } catch (e) {
      alertApi.post({
        message: t('table.errors.markAllReadFailed'),
        severity: 'error',
      });
    }
    onUpdate();
  };

  useInboxShortcuts((key: InboxShortcutKey) => {
    if (key === '?') {
      setHelpOpen(open => !open);
      return;
    }
    const rows = rowsOf(rootRef.current);
    const current = rows.findIndex(row => row.contains(document.activeElement));
    if (key === 'j' || key === 'k') {
      const step = key === 'j' ? 1 : -1;
      const next =
        current < 0
          ? 0
          : Math.max(0, Math.min(rows.length - 1, current + step));
      rows[next]?.focus();
      return;
    }
    const notification = notifications.find(
      n => n.id === rows[current]?.dataset.notificationId,
    );
    if (!notification) {
      return;
    }
    if (key === 'r') {
      actions.onRead([notification], !notification.read);
    } else if (key === 'e') {
      actions.onDone([notification], !notification.done);
    } else if (key === 's') {
      actions.onSave([notification], !notification.saved);
    }
  });

  const selected = notifications.filter(n => selectedIds.has(n.id));
  const onSelectionChange = (keys: Selection) =>
    setSelectedIds(
      keys === 'all'
        ? new Set(notifications.map(n => n.id))
        : new Set([...keys].map(String)),
    );

  return (
    <Box ref={rootRef} data-testid="notifications-table">
      <Flex direction="column" gap="2">
        <Flex
          align="center"
          justify="between"
          gap="3"
          style={{ flexWrap: 'wrap' }}
        >
          <Text as="h2" variant="title-small">
            {title}
          </Text>
          <SearchField
            size="small"
            aria-label={t('table.search.label')}
            placeholder={t('table.search.placeholder')}
            value={search}
            onChange={value => {
              setSearch(value);
              throttledSearch(value);
            }}
          />
        </Flex>
        <Flex align="center" gap="1" style={{ flexWrap: 'wrap' }}>
          <Text variant="body-small" style={{ color: secondaryTextColor }}>
            ({selected.length})
          </Text>
          <NotificationActionButtons
            notifications={selected}
            selection
            {...actions}
          />
          <MarkAllReadButton enabled={isUnread} onConfirm={onMarkAllRead} />
          <ShortcutsHelp isOpen={helpOpen} onOpenChange={setHelpOpen} />
        </Flex>
        <Flex
          role="status"
          align="center"
          gap="2"
          data-testid="notifications-undo-done"
        >
          {lastDone.ids.length > 0 && (
            <UndoDoneNotice
              count={lastDone.ids.length}
              onUndo={undoDone}
              onDismiss={() => setLastDone({ ids: [], unreadIds: [] })}
            />
          )}
        </Flex>
        <TableRoot
          aria-label={typeof title === 'string' ? title : undefined}
          aria-busy={isLoading || undefined}
          stale={isLoading}
          selectionMode="multiple"
          selectionBehavior="toggle"
          selectedKeys={selectedIds}
          onSelectionChange={onSelectionChange}
        >
          <TableHeader>
            <Column id="notification" isRowHeader>
              {t('table.columns.notification')}
            </Column>
            <Column id="actions" width={190}>
              {t('table.columns.actions')}
            </Column>
          </TableHeader>
          <TableBody
            renderEmptyState={() => (
              <Text as="p" style={{ padding: 24, color: secondaryTextColor }}>
                {isLoading ? t('table.loading') : t('table.emptyMessage')}
              </Text>
            )}
          >
            {notifications.map(notification => {
              const highlighted = notification.id === highlightedNotificationId;
              const onOpen =
                markAsReadOnLinkOpen && !notification.read
                  ? () => actions.onRead([notification], true)
                  : undefined;
              const snoozedUntil = snoozedUntilOf(notification);
              return (
                <Row
                  key={notification.id}
                  id={notification.id}
                  textValue={notification.payload.title}
                  // A press on the row itself does nothing: rows are selected
                  // with their checkbox, so following a link never selects.
                  onAction={() => {}}
                  data-testid="notification-row"
                  data-notification-id={notification.id}
                  data-highlighted={highlighted || undefined}
                  style={{
                    ...severityBar[notification.payload.severity ?? 'normal'],
                    ...(highlighted ? highlightedRow : {}),
                  }}
                >
                  <Cell>
                    <NotificationErrorBoundary
                      fallback={<NotificationUnavailable />}
                    >
                      <div
                        id={`notification-${notification.id}`}
                        style={{
                          display: 'flex',
                          gap: 12,
                          alignItems: 'flex-start',
                        }}
                      >
                        <NotificationIcon
                          icon={notification.payload.icon}
                          severity={notification.payload.severity}
                        />
                        <div style={{ minWidth: 0 }}>
                          <NotificationTitle
                            notification={notification}
                            onLinkClick={onOpen}
                          />
                          <NotificationBody
                            payload={notification.payload}
                            onLinkClick={onOpen}
                          />
                          <NotificationMeta notification={notification} />
                          {snoozedUntil && (
                            <Text
                              as="p"
                              variant="body-x-small"
                              style={{ color: secondaryTextColor }}
                              title={snoozedUntil.toLocaleString()}
                            >
                              {t('table.rowActions.snoozedUntil', {
                                time: snoozedUntil.toLocaleString(undefined, {
                                  weekday: 'short',
                                  hour: 'numeric',
                                  minute: '2-digit',
                                }),
                              })}
                            </Text>
                          )}
                          <NotificationReasons reasons={notification.reasons} />
                        </div>
                      </div>
                    </NotificationErrorBoundary>
                  </Cell>
                  <Cell>
                    <NotificationErrorBoundary fallback={null}>
                      <Flex gap="1" style={{ flexWrap: 'nowrap' }}>
                        <NotificationActionButtons
                          notifications={[notification]}
                          {...actions}
                        />
                      </Flex>
                    </NotificationErrorBoundary>
                  </Cell>
                </Row>
              );
            })}
          </TableBody>
        </TableRoot>
        <Pager
          page={page}
          pageSize={pageSize}
          count={totalCount ?? notifications.length}
          onPageChange={next => onPageChange?.(next, pageSize)}
          onPageSizeChange={size => onRowsPerPageChange?.(size)}
        />
      </Flex>
    </Box>
  );
}
