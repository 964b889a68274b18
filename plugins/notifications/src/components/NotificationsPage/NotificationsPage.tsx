import { PageWithHeader, Content } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Alert, Button, Grid } from '@backstage/ui';
import { Notification } from '@herald/plugin-notifications-common';
import { useEffect, useRef, useState } from 'react';
import { useVisibleInterval } from '../../hooks/useInterval';
import { useSearchParams } from 'react-router-dom';
import { notificationsApiRef } from '../../api';
import { useNotificationsApi } from '../../hooks/useNotificationsApi';
import { useRefreshOnSignal } from '../../hooks/useRefreshOnSignal';
import { useUnreadCount } from '../../hooks/useUnreadCount';
import { notificationsTranslationRef } from '../../translation';
import { NotificationsTable } from '../NotificationsTable';
import { snoozedUntilOf } from '../NotificationsTable/snooze';
import { NotificationsFiltersPanel } from './NotificationsFiltersPanel';
import { NotificationsFilters, ViewFilter, toListOptions } from './filters';
import { InboxView, readView, writeView } from './viewParams';

/**
 * Short enough that the table is current within a second of a burst: the
 * last refresh may wait this long, then behind a load already running, then
 * for its own load (750 ms measured 1.2 s in the browser test).
 */
const SIGNAL_REFRESH_THROTTLE_MS = 400;
const RETRY_AFTER_FAILURE_MS = 5_000;

/** The view that lists a notification, for a deep link to it. */
function viewOf(notification: Notification): ViewFilter {
  if (notification.done) {
    return 'done';
  }
  if (snoozedUntilOf(notification)) {
    return 'snoozed';
  }
  return notification.read ? 'read' : 'unread';
}

/** @public */
export type NotificationsPageProps = {
  /**
   * Whether following a notification's title or a body link marks it read;
   * defaults to `notifications.markAsReadOnLinkOpen`, else true.
   */
  markAsReadOnLinkOpen?: boolean;
  title?: string;
  themeId?: string;
  subtitle?: string;
  tooltip?: string;
  type?: string;
  typeLink?: string;
};

/**
 * The filters and the table, without a page header; the new frontend system
 * renders it under the framework's header.
 */
export function NotificationsPageContent(props: {
  markAsReadOnLinkOpen?: boolean;
}) {
  const api = useApi(notificationsApiRef);
  const { t } = useTranslationRef(notificationsTranslationRef);
  // The view lives in the query string, so it can be linked, survives a
  // reload and follows Back and Forward.
  const [searchParams, setSearchParams] = useSearchParams();
  const { filters, page, pageSize } = readView(searchParams);
  const viewKey = writeView(
    { filters, page, pageSize },
    new URLSearchParams(),
  ).toString();
  const changeView = (
    change: (view: InboxView) => InboxView,
    options: { replace?: boolean } = {},
  ) =>
    setSearchParams(current => writeView(change(readView(current)), current), {
      replace: options.replace,
    });
  const { refreshCount, reload, setBusy } = useRefreshOnSignal({
    throttleMs: SIGNAL_REFRESH_THROTTLE_MS,
  });
  const { unreadCount = 0, reload: reloadUnreadCount } = useUnreadCount();
  const deepLinkId = searchParams.get('id') ?? undefined;
  const [deepLinked, setDeepLinked] = useState<Notification | undefined>();

  const { value, error, loading } = useNotificationsApi(
    async notificationsApi => {
      const listOptions = toListOptions(filters, page, pageSize);
      const { limit, offset, sort, sortOrder, topic, ...commonOptions } =
        listOptions;
      const [list, topics] = await Promise.all([
        notificationsApi.getNotifications(listOptions),
        notificationsApi.getTopics(commonOptions),
      ]);
      return { list, topics: topics.topics };
    },
    [viewKey, refreshCount],
  );

  useEffect(() => {
    if (!deepLinkId) {
      setDeepLinked(undefined);
      return undefined;
    }
    let cancelled = false;
    api.getNotification(deepLinkId).then(
      notification => {
        if (cancelled) {
          return;
        }
        setDeepLinked(notification);
        changeView(
          view => ({
            ...view,
            page: 0,
            filters: {
              ...view.filters,
              view: viewOf(notification),
            },
          }),
          { replace: true },
        );
      },
      () => {
        if (!cancelled) {
          setDeepLinked(undefined);
        }
      },
    );
    return () => {
      cancelled = true;
    };
    // Only a new deep link should switch the view.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, deepLinkId]);

  useEffect(() => setBusy(loading), [loading, setBusy]);

  // The deep-linked row is pinned on top only until the user acts; after
  // that the list reflects the server again.
  const onUpdate = () => {
    setDeepLinked(undefined);
    reload();
    reloadUnreadCount();
  };
  const onFiltersChange = (
    change: Partial<NotificationsFilters>,
    options: { replace?: boolean } = {},
  ) => {
    setDeepLinked(undefined);
    changeView(
      view => ({ ...view, page: 0, filters: { ...view.filters, ...change } }),
      options,
    );
  };

  // A failed load keeps the last list on screen under a Retry notice and
  // retries by itself, so an outage never takes the filters away.
  const lastValue = useRef(value);
  if (value) {
    lastValue.current = value;
  }
  const shown = value ?? lastValue.current;
  useVisibleInterval(reload, RETRY_AFTER_FAILURE_MS, Boolean(error));

  let notifications = shown?.list.notifications ?? [];
  if (deepLinked && !notifications.some(n => n.id === deepLinked.id)) {
    notifications = [deepLinked, ...notifications];
  }
  const totalCount = shown?.list.totalCount ?? 0;
  const titleKey = `notificationsPage.tableTitle.${filters.view}` as const;

  return (
    <Grid.Root columns={{ initial: '1', md: '12' }} gap="4">
      <Grid.Item colSpan={{ initial: '1', md: '3', lg: '2' }}>
        <NotificationsFiltersPanel
          filters={filters}
          topics={shown?.topics ?? []}
          onChange={onFiltersChange}
        />
      </Grid.Item>
      <Grid.Item colSpan={{ initial: '1', md: '9', lg: '10' }}>
        {error && (
          <Alert
            role="alert"
            status="danger"
            icon
            mb="3"
            data-testid="notifications-load-failed"
            title={t('notificationsPage.errorTitle')}
            description={t('notificationsPage.loadFailed', {
              message: error.message,
            })}
            customActions={
              <Button variant="secondary" size="small" onPress={reload}>
                {t('notificationsPage.retry')}
              </Button>
            }
          />
        )}
        <NotificationsTable
          title={t(titleKey, { count: totalCount })}
          markAsReadOnLinkOpen={props.markAsReadOnLinkOpen}
          isLoading={loading}
          isUnread={unreadCount > 0}
          notifications={notifications}
          highlightedNotificationId={deepLinkId}
          onUpdate={onUpdate}
          containsText={filters.search}
          // Starting a search is a step Back can undo; refining it is not.
          setContainsText={search =>
            onFiltersChange(
              { search },
              { replace: Boolean(filters.search) && Boolean(search) },
            )
          }
          onPageChange={next => changeView(view => ({ ...view, page: next }))}
          onRowsPerPageChange={size =>
            changeView(view => ({ ...view, page: 0, pageSize: size }))
          }
          page={page}
          pageSize={pageSize}
          totalCount={totalCount}
        />
      </Grid.Item>
    </Grid.Root>
  );
}

/**
 * The notifications inbox: filters, the list and its actions, updated live.
 * @public
 */
export function NotificationsPage(props: NotificationsPageProps = {}) {
  const { t } = useTranslationRef(notificationsTranslationRef);
  const {
    title = t('notificationsPage.title'),
    themeId = 'tool',
    subtitle,
    tooltip,
    type,
    typeLink,
    markAsReadOnLinkOpen,
  } = props;
  return (
    <PageWithHeader
      title={title}
      themeId={themeId}
      subtitle={subtitle}
      tooltip={tooltip}
      type={type}
      typeLink={typeLink}
    >
      <Content>
        <NotificationsPageContent markAsReadOnLinkOpen={markAsReadOnLinkOpen} />
      </Content>
    </PageWithHeader>
  );
}
