import Button from '@material-ui/core/Button';
import {
  Notification,
  NotificationSeverity,
  isNotificationSeverity,
} from '@herald/plugin-notifications-common';
import { ReactNode, useEffect, CSSProperties } from 'react';
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

declare module 'notistack' {
  interface VariantOverrides {
    critical: true;
    high: true;
    normal: true;
    low: true;
  }
}

const SNACKBAR_TITLE_MAX = 50;

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

const defaultIcons: Record<NotificationSeverity, ReactNode> = {
  critical: <SeverityIcon severity="critical" fontSize="small" />,
  high: <SeverityIcon severity="high" fontSize="small" />,
  normal: <SeverityIcon severity="normal" fontSize="small" />,
  low: <SeverityIcon severity="low" fontSize="small" />,
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

/** A notification to show as a snackbar, with what its actions do. */
export type SnackbarRequest = {
  notification: Notification;
  onOpen: () => void;
  /** Resolves to whether the notification is now read. */
  onMarkRead: () => Promise<boolean>;
};

function SnackbarEnqueuer(props: {
  request?: SnackbarRequest;
  dismissedIds?: string[];
  snackStyle?: CSSProperties;
  autoHideDuration?: number | null;
}) {
  const { request, dismissedIds, snackStyle, autoHideDuration } = props;
  const { enqueueSnackbar, closeSnackbar } = useSnackbar();
  const { t } = useTranslationRef(notificationsTranslationRef);
  const openLabel = t('snackbar.open');
  const markAsReadLabel = t('snackbar.markAsRead');
  useEffect(() => {
    dismissedIds?.forEach(id => closeSnackbar(id));
  }, [dismissedIds, closeSnackbar]);
  useEffect(() => {
    if (!request) {
      return;
    }
    const { notification, onOpen, onMarkRead } = request;
    const key = notification.id;
    const { severity } = notification.payload;
    enqueueSnackbar(
      <NotificationErrorBoundary fallback={<NotificationUnavailable />}>
        <SnackbarTitle title={notification.payload.title} />
      </NotificationErrorBoundary>,
      {
        key,
        variant: isNotificationSeverity(severity) ? severity : 'normal',
        style: snackStyle,
        autoHideDuration,
        preventDuplicate: true,
        action: (
          <>
            <Button
              color="inherit"
              size="small"
              onClick={() => {
                onOpen();
                closeSnackbar(key);
              }}
            >
              {openLabel}
            </Button>
            <Button
              color="inherit"
              size="small"
              onClick={() => {
                onMarkRead().then(done => {
                  if (done) {
                    closeSnackbar(key);
                  }
                });
              }}
            >
              {markAsReadLabel}
            </Button>
          </>
        ),
      },
    );
  }, [
    request,
    enqueueSnackbar,
    closeSnackbar,
    snackStyle,
    autoHideDuration,
    openLabel,
    markAsReadLabel,
  ]);
  return null;
}

/** Mounts the snackbar stack and shows each requested notification once. */
export function NotificationSnackbars(props: {
  options: NotificationSnackbarProperties;
  request?: SnackbarRequest;
  /** Notifications read elsewhere, whose snackbars are no longer useful. */
  dismissedIds?: string[];
}) {
  const { options, request, dismissedIds } = props;
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
        request={request}
        dismissedIds={dismissedIds}
        snackStyle={options.snackStyle}
        autoHideDuration={options.autoHideDuration}
      />
    </SnackbarProvider>
  );
}
