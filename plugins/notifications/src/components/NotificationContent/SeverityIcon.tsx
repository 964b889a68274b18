import { useApp } from '@backstage/core-plugin-api';
import {
  NotificationSeverity,
  isNotificationSeverity,
} from '@herald/plugin-notifications-common';
import { Theme, makeStyles } from '@material-ui/core/styles';
import ErrorOutline from '@material-ui/icons/ErrorOutline';
import ReportProblemOutlined from '@material-ui/icons/ReportProblemOutlined';
import CheckCircleOutline from '@material-ui/icons/CheckCircleOutline';
import InfoOutlined from '@material-ui/icons/InfoOutlined';
import { SvgIconProps } from '@material-ui/core/SvgIcon';

const severityIcons: Record<
  NotificationSeverity,
  (props: SvgIconProps) => JSX.Element
> = {
  critical: props => <ErrorOutline {...props} />,
  high: props => <ReportProblemOutlined {...props} />,
  normal: props => <CheckCircleOutline {...props} />,
  low: props => <InfoOutlined {...props} />,
};

/**
 * The colour of a severity on the page: at least 3:1 against the page in
 * both themes (the amber of high is darker on light pages and lighter on
 * dark ones).
 */
export function severityColor(
  theme: Theme,
  severity: NotificationSeverity,
): string {
  const dark = theme.palette.type === 'dark';
  switch (severity) {
    case 'critical':
      return dark ? '#ef9a9a' : '#c62828';
    case 'high':
      return dark ? '#ffb74d' : '#b35c00';
    case 'low':
      return theme.palette.text.secondary;
    default:
      return theme.palette.primary.main;
  }
}

const useStyles = makeStyles(theme => ({
  critical: { color: severityColor(theme, 'critical') },
  high: { color: severityColor(theme, 'high') },
  normal: { color: severityColor(theme, 'normal') },
  low: { color: severityColor(theme, 'low') },
}));

/**
 * The icon of a severity, used for rows, snackbars and the home card.
 * `inherit` draws it in the surrounding text colour (on a snackbar).
 */
export function SeverityIcon(props: {
  severity?: NotificationSeverity;
  fontSize?: SvgIconProps['fontSize'];
  inherit?: boolean;
}) {
  const classes = useStyles();
  const severity = isNotificationSeverity(props.severity)
    ? props.severity
    : 'normal';
  const Icon = severityIcons[severity];
  return (
    <Icon
      fontSize={props.fontSize}
      className={props.inherit ? undefined : classes[severity]}
      color={props.inherit ? 'inherit' : undefined}
      titleAccess={`Severity ${severity}`}
      data-severity={severity}
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
