import { Button } from '@backstage/ui';
import {
  Notification,
  NotificationSeverity,
} from '@herald/plugin-notifications-common';
import {
  CSSProperties,
  ReactNode,
  useEffect,
  useMemo,
  useRef,
  useSyncExternalStore,
} from 'react';
import {
  MaterialDesignContent,
  SnackbarProvider,
  SnackbarProviderProps,
  useSnackbar,
} from 'notistack';
import {
  NotificationErrorBoundary,
  NotificationUnavailable,
  SeverityIcon,
  toPlainText,
  truncate,
} from '../NotificationContent';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { notificationsTranslationRef } from '../../translation';
import { SnackbarPlan, mostSevereFirst } from './snackbarPlan';

declare module 'notistack' {
  interface VariantOverrides {
    critical: true;
    high: true;
    normal: true;
    low: true;
  }
}

const SNACKBAR_TITLE_MAX = 50;
/** Notifications arriving within this window share one snackbar. */
const BURST_WINDOW_MS = 300;
/** How many titles a burst snackbar lists. */
const BURST_TITLES = 3;

/** @public */
export type NotificationSnackbarProperties = {
  enabled?: boolean;
  autoHideDuration?: number | null;
  anchorOrigin?: SnackbarProviderProps['anchorOrigin'];
  dense?: boolean;
  maxSnack?: number;
  snackStyle?: CSSProperties;
  iconVariant?: Partial<Record<NotificationSeverity, ReactNode>>;
  Components?: SnackbarProviderProps['Components'];
};

/**
 * Critical and high get their own colours; white text on them stays above
 * 6:1. Normal and low keep the default dark snackbar.
 */
const severityStyles: Record<NotificationSeverity, CSSProperties> = {
  critical: { backgroundColor: '#b71c1c', color: '#ffffff' },
  high: { backgroundColor: '#9c4a00', color: '#ffffff' },
  normal: {},
  low: {},
};

/** Icons in the snackbar's text colour, which contrasts with every variant. */
const snackbarIcon = (severity: NotificationSeverity) => (
  <span style={{ display: 'inline-flex', marginInlineEnd: 8 }}>
    <SeverityIcon severity={severity} size={20} inherit />
  </span>
);

/** Backstage UI buttons in the snackbar's text colour, which they sit on. */
function SnackButton(props: { label: string; onPress: () => void }) {
  return (
    <Button
      variant="tertiary"
      size="small"
      onPress={props.onPress}
      style={{ color: 'inherit' }}
    >
      {props.label}
    </Button>
  );
}

const defaultIcons: Record<NotificationSeverity, ReactNode> = {
  critical: snackbarIcon('critical'),
  high: snackbarIcon('high'),
  normal: snackbarIcon('normal'),
  low: snackbarIcon('low'),
};

const defaultComponents = {
  critical: MaterialDesignContent,
  high: MaterialDesignContent,
  normal: MaterialDesignContent,
  low: MaterialDesignContent,
};

/** The snackbar's text, made plain when the snackbar renders. */
function SnackbarTitle(props: { title: unknown }) {
  return <>{truncate(toPlainText(props.title), SNACKBAR_TITLE_MAX)}</>;
}

/** What the snackbars' buttons do. */
type SnackbarActions = {
  onOpen: (notification: Notification) => void;
  /** Resolves to whether the notification is now read. */
  onMarkRead: (notification: Notification) => Promise<boolean>;
  /** Opens the inbox, for a snackbar of several notifications. */
  onViewAll: () => void;
};

/**
 * New notifications for the snackbars, and ids read elsewhere; the sidebar
 * item feeds it, the snackbar stack listens.
 */
export class SnackbarFeed {
  private readonly listeners = new Set<{
    added(notification: Notification): void;
    read(ids: string[]): void;
  }>();

  add(notification: Notification) {
    this.listeners.forEach(l => l.added(notification));
  }

  read(ids: string[]) {
    this.listeners.forEach(l => l.read(ids));
  }

  listen(listener: {
    added(notification: Notification): void;
    read(ids: string[]): void;
  }) {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

function useContent(plan: SnackbarPlan, snackKey: string) {
  return useSyncExternalStore(plan.subscribe, () => plan.content(snackKey));
}

function SnackMessage(props: { plan: SnackbarPlan; snackKey: string }) {
  const { t } = useTranslationRef(notificationsTranslationRef);
  const content = useContent(props.plan, props.snackKey);
  if (!content) {
    return null;
  }
  if (content.kind === 'single') {
    return (
      <NotificationErrorBoundary fallback={<NotificationUnavailable />}>
        <SnackbarTitle title={content.notification.payload.title} />
      </NotificationErrorBoundary>
    );
  }
  const leading = mostSevereFirst(content.notifications).slice(0, BURST_TITLES);
  return (
    <div data-testid="notifications-burst-snackbar">
      <strong>
        {t('snackbar.burst', { count: content.notifications.length })}
      </strong>
      {leading.map(notification => (
        <div
          key={notification.id}
          style={{ display: 'flex', gap: 6, alignItems: 'center' }}
        >
          <NotificationErrorBoundary fallback={<NotificationUnavailable />}>
            {snackbarIcon(notification.payload.severity ?? 'normal')}
            <SnackbarTitle title={notification.payload.title} />
          </NotificationErrorBoundary>
        </div>
      ))}
    </div>
  );
}

function SnackActions(props: {
  plan: SnackbarPlan;
  snackKey: string;
  actions: { current: SnackbarActions };
  close: (key: string) => void;
}) {
  const { plan, snackKey, actions, close } = props;
  const { t } = useTranslationRef(notificationsTranslationRef);
  const content = useContent(plan, snackKey);
  if (!content) {
    return null;
  }
  if (content.kind === 'burst') {
    return (
      <SnackButton
        label={t('snackbar.view')}
        onPress={() => {
          actions.current.onViewAll();
          close(snackKey);
        }}
      />
    );
  }
  const { notification } = content;
  return (
    <>
      <SnackButton
        label={t('snackbar.open')}
        onPress={() => {
          actions.current.onOpen(notification);
          close(snackKey);
        }}
      />
      <SnackButton
        label={t('snackbar.markAsRead')}
        onPress={() => {
          actions.current.onMarkRead(notification).then(done => {
            if (done) {
              close(snackKey);
            }
          });
        }}
      />
    </>
  );
}

function SnackbarEnqueuer(props: {
  feed: SnackbarFeed;
  actions: SnackbarActions;
  snackStyle?: CSSProperties;
  autoHideDuration?: number | null;
}) {
  const { feed, snackStyle, autoHideDuration } = props;
  const { enqueueSnackbar, closeSnackbar } = useSnackbar();
  const actions = useRef(props.actions);
  actions.current = props.actions;
  const look = useRef({ snackStyle, autoHideDuration });
  look.current = { snackStyle, autoHideDuration };

  const plan = useMemo(() => {
    const created: SnackbarPlan = new SnackbarPlan({
      show: (key, severity) =>
        enqueueSnackbar(<SnackMessage plan={created} snackKey={key} />, {
          key,
          variant: severity,
          style: { ...severityStyles[severity], ...look.current.snackStyle },
          // A critical notification stays until it is dealt with.
          autoHideDuration:
            severity === 'critical' ? null : look.current.autoHideDuration,
          action: () => (
            <SnackActions
              plan={created}
              snackKey={key}
              actions={actions}
              close={closeSnackbar}
            />
          ),
          onClose: () => created.closed(key),
        }),
      close: key => closeSnackbar(key),
    });
    return created;
  }, [enqueueSnackbar, closeSnackbar]);

  useEffect(() => {
    let pending: Notification[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const batch = pending;
      pending = [];
      plan.add(batch);
    };
    const stop = feed.listen({
      added: notification => {
        pending.push(notification);
        timer ??= setTimeout(flush, BURST_WINDOW_MS);
      },
      read: ids => {
        const gone = new Set(ids);
        pending = pending.filter(n => !gone.has(n.id));
        plan.read(ids);
      },
    });
    return () => {
      stop();
      clearTimeout(timer);
    };
  }, [feed, plan]);
  return null;
}

/**
 * Mounts the snackbar stack. New notifications from `feed` show as
 * snackbars, several arriving together as one (see `SnackbarPlan`).
 */
export function NotificationSnackbars(props: {
  options: NotificationSnackbarProperties;
  feed: SnackbarFeed;
  actions: SnackbarActions;
}) {
  const { options, feed, actions } = props;
  return (
    <SnackbarProvider
      anchorOrigin={
        options.anchorOrigin ?? { vertical: 'bottom', horizontal: 'right' }
      }
      dense={options.dense}
      maxSnack={options.maxSnack}
      iconVariant={{ ...defaultIcons, ...options.iconVariant }}
      Components={{ ...defaultComponents, ...options.Components }}
    >
      <SnackbarEnqueuer
        feed={feed}
        actions={actions}
        snackStyle={options.snackStyle}
        autoHideDuration={options.autoHideDuration}
      />
    </SnackbarProvider>
  );
}
