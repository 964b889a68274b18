import { TableProps } from '@backstage/core-components';
import { useApi, alertApiRef } from '@backstage/core-plugin-api';
import { Notification } from '@herald/plugin-notifications-common';
import Box from '@material-ui/core/Box';
import Checkbox from '@material-ui/core/Checkbox';
import LinearProgress from '@material-ui/core/LinearProgress';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Toolbar from '@material-ui/core/Toolbar';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import throttle from 'lodash/throttle';
import { useEffect, useMemo, useRef, useState } from 'react';
import { notificationsApiRef } from '../../api';
import { markAllRead } from '../../api/markAllRead';
import {
  NotificationChange,
  useUpdateNotifications,
} from '../../hooks/useUpdateNotifications';
import {
  NotificationBody,
  NotificationErrorBoundary,
  NotificationIcon,
  NotificationMeta,
  NotificationTitle,
  NotificationUnavailable,
  severityColor,
} from '../NotificationContent';
import { MarkAllReadButton, SaveAndReadToggles } from './BulkActions';
import { useMarkAsReadOnOpen } from '../../hooks/useOpenNotification';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { notificationsTranslationRef } from '../../translation';

const SEARCH_THROTTLE_MS = 1000;

const useStyles = makeStyles(theme => ({
  highlighted: {
    backgroundColor: theme.palette.action.selected,
  },
  // Critical and high rows carry a bar in their severity's colour.
  critical: {
    boxShadow: `inset 4px 0 0 ${severityColor(theme, 'critical')}`,
  },
  high: { boxShadow: `inset 4px 0 0 ${severityColor(theme, 'high')}` },
  content: {
    display: 'flex',
    gap: theme.spacing(1.5),
    alignItems: 'flex-start',
    '& > svg': { marginTop: 2 },
  },
  actions: {
    whiteSpace: 'nowrap',
    width: 1,
  },
}));

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

/**
 * The notifications of one page with selection, per-row and bulk actions,
 * server-side search and paging.
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
  const classes = useStyles();
  const markAsReadOnLinkOpen = useMarkAsReadOnOpen(props.markAsReadOnLinkOpen);
  const api = useApi(notificationsApiRef);
  const alertApi = useApi(alertApiRef);
  const { t } = useTranslationRef(notificationsTranslationRef);
  const [selectedIds, setSelectedIds] = useState<Set<string>>(new Set());
  const [search, setSearch] = useState(props.containsText ?? '');
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

  useEffect(() => {
    setSelectedIds(previous => {
      const visible = new Set(notifications.map(n => n.id));
      const kept = [...previous].filter(id => visible.has(id));
      return kept.length === previous.size ? previous : new Set(kept);
    });
  }, [notifications]);

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

  const highlightedRef = useRef<HTMLTableRowElement | null>(null);
  const scrolledTo = useRef<string | undefined>(undefined);
  useEffect(() => {
    const row = highlightedRef.current;
    if (
      row &&
      highlightedNotificationId &&
      scrolledTo.current !== highlightedNotificationId
    ) {
      scrolledTo.current = highlightedNotificationId;
      row.scrollIntoView?.({ behavior: 'smooth', block: 'center' });
      row.focus();
    }
  }, [highlightedNotificationId, notifications]);

  const updateNotifications = useUpdateNotifications(e =>
    t('table.errors.updateFailed', { message: e.message }),
  );
  const update = async (
    targets: Notification[],
    change: NotificationChange,
  ) => {
    await updateNotifications(
      targets.map(n => n.id),
      change,
    );
    onUpdate();
  };
  const onSave = (targets: Notification[], saved: boolean) =>
    update(targets, { saved });
  const onRead = (targets: Notification[], read: boolean) =>
    update(targets, { read });

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

  const selected = notifications.filter(n => selectedIds.has(n.id));
  const allSelected =
    notifications.length > 0 && selected.length === notifications.length;
  const toggleAll = () =>
    setSelectedIds(
      allSelected ? new Set() : new Set(notifications.map(n => n.id)),
    );
  const toggleOne = (id: string) =>
    setSelectedIds(previous => {
      const next = new Set(previous);
      if (next.has(id)) {
        next.delete(id);
      } else {
        next.add(id);
      }
      return next;
    });

  return (
    <Paper>
      <Toolbar style={{ gap: 16 }}>
        <Typography variant="h6" component="h2" style={{ flex: 1 }}>
          {title}
        </Typography>
        <TextField
          placeholder={t('table.search.placeholder')}
          size="small"
          value={search}
          inputProps={{ 'aria-label': t('table.search.label') }}
          onChange={event => {
            setSearch(event.target.value);
            throttledSearch(event.target.value);
          }}
        />
      </Toolbar>
      {isLoading ? <LinearProgress /> : <Box height={4} />}
      <Table
        size="small"
        aria-label={typeof title === 'string' ? title : undefined}
      >
        {notifications.length > 0 && (
          <TableHead>
            <TableRow>
              <TableCell padding="checkbox">
                <Checkbox
                  checked={selected.length > 0}
                  indeterminate={selected.length > 0 && !allSelected}
                  onChange={toggleAll}
                  inputProps={{ 'aria-label': t('table.selection.selectAll') }}
                />
              </TableCell>
              <TableCell>
                <Typography variant="caption">({selected.length})</Typography>
              </TableCell>
              <TableCell className={classes.actions}>
                <SaveAndReadToggles
                  notifications={selected}
                  onSave={onSave}
                  onRead={onRead}
                  selection
                />
                <MarkAllReadButton
                  enabled={isUnread}
                  onConfirm={onMarkAllRead}
                />
              </TableCell>
            </TableRow>
          </TableHead>
        )}
        <TableBody>
          {notifications.length === 0 && (
            <TableRow>
              <TableCell colSpan={3} align="center">
                <Typography color="textSecondary" style={{ padding: 24 }}>
                  {isLoading ? t('table.loading') : t('table.emptyMessage')}
                </Typography>
              </TableCell>
            </TableRow>
          )}
          {notifications.map(notification => {
            const highlighted = notification.id === highlightedNotificationId;
            const onOpen =
              markAsReadOnLinkOpen && !notification.read
                ? () => onRead([notification], true)
                : undefined;
            return (
              <NotificationErrorBoundary
                key={notification.id}
                fallback={
                  <TableRow data-testid="notification-row">
                    <TableCell />
                    <TableCell colSpan={2}>
                      <NotificationUnavailable />
                    </TableCell>
                  </TableRow>
                }
              >
                <TableRow
                  hover
                  tabIndex={highlighted ? -1 : undefined}
                  ref={highlighted ? highlightedRef : undefined}
                  className={
                    [
                      highlighted && classes.highlighted,
                      notification.payload.severity === 'critical' &&
                        classes.critical,
                      notification.payload.severity === 'high' && classes.high,
                    ]
                      .filter(Boolean)
                      .join(' ') || undefined
                  }
                  data-testid="notification-row"
                >
                  <TableCell padding="checkbox">
                    <Checkbox
                      checked={selectedIds.has(notification.id)}
                      onChange={() => toggleOne(notification.id)}
                      inputProps={{
                        'aria-label': t('table.selection.selectOne', {
                          title: notification.payload.title,
                        }),
                      }}
                    />
                  </TableCell>
                  <TableCell>
                    <div
                      id={`notification-${notification.id}`}
                      className={classes.content}
                    >
                      <NotificationIcon
                        icon={notification.payload.icon}
                        severity={notification.payload.severity}
                      />
                      <div>
                        <NotificationTitle
                          notification={notification}
                          onLinkClick={onOpen}
                        />
                        <NotificationBody
                          payload={notification.payload}
                          onLinkClick={onOpen}
                        />
                        <NotificationMeta notification={notification} />
                      </div>
                    </div>
                  </TableCell>
                  <TableCell className={classes.actions}>
                    <SaveAndReadToggles
                      notifications={[notification]}
                      onSave={onSave}
                      onRead={onRead}
                    />
                  </TableCell>
                </TableRow>
              </NotificationErrorBoundary>
            );
          })}
        </TableBody>
      </Table>
      <TablePagination
        component="div"
        count={totalCount ?? notifications.length}
        page={page}
        rowsPerPage={pageSize}
        rowsPerPageOptions={[5, 10, 20]}
        labelRowsPerPage={t('table.pagination.labelRowsPerPage')}
        labelDisplayedRows={({ from, to, count }) =>
          t('table.pagination.labelDisplayedRows')
            .replace('{from}', String(from))
            .replace('{to}', String(to))
            .replace('{count}', String(count))
        }
        backIconButtonText={t('table.pagination.previousTooltip')}
        nextIconButtonText={t('table.pagination.nextTooltip')}
        onPageChange={(_event, next) => onPageChange?.(next, pageSize)}
        onRowsPerPageChange={event =>
          onRowsPerPageChange?.(parseInt(event.target.value, 10))
        }
      />
    </Paper>
  );
}
