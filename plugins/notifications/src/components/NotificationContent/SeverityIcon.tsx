import { useApp } from '@backstage/core-plugin-api';
import {
  NotificationSeverity,
  isNotificationSeverity,
} from '@herald/plugin-notifications-common';
import {
  RemixiconComponentType,
  RiAlertLine,
  RiCheckboxCircleLine,
  RiErrorWarningLine,
  RiInformationLine,
} from '@remixicon/react';
import { severityColor } from './palette';

const severityIcons: Record<NotificationSeverity, RemixiconComponentType> = {
  critical: RiErrorWarningLine,
  high: RiAlertLine,
  normal: RiCheckboxCircleLine,
  low: RiInformationLine,
};

/**
 * The icon of a severity, used for rows, snackbars and the home card.
 * `inherit` draws it in the surrounding text colour (on a snackbar).
 */
export function SeverityIcon(props: {
  severity?: NotificationSeverity;
  /** Pixels; 24 by default. */
  size?: number;
  inherit?: boolean;
}) {
  const severity = isNotificationSeverity(props.severity)
    ? props.severity
    : 'normal';
  const Icon = severityIcons[severity];
  return (
    <Icon
      size={props.size ?? 24}
      color={props.inherit ? 'currentColor' : severityColor(severity)}
      role="img"
      aria-label={`Severity ${severity}`}
      data-severity={severity}
      style={{ flexShrink: 0 }}
    />
  );
}

/**
 * A notification's own icon when the app knows its name, otherwise the icon
 * of its severity.
 */
export function NotificationIcon(props: {
  icon?: string;
  severity?: NotificationSeverity;
}) {
  const app = useApp();
  const Custom = props.icon ? app.getSystemIcon(props.icon) : undefined;
  if (Custom) {
    return <Custom />;
  }
  return <SeverityIcon severity={props.severity} />;
}
