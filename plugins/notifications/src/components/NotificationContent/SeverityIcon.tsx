import { useApp } from '@backstage/core-plugin-api';
import { NotificationSeverity } from '@herald/plugin-notifications-common';
import ErrorOutline from '@material-ui/icons/ErrorOutline';
import ReportProblemOutlined from '@material-ui/icons/ReportProblemOutlined';
import CheckCircleOutline from '@material-ui/icons/CheckCircleOutline';
import InfoOutlined from '@material-ui/icons/InfoOutlined';
import { SvgIconProps } from '@material-ui/core/SvgIcon';

const severityIcons: Record<
  NotificationSeverity,
  (props: SvgIconProps) => JSX.Element
> = {
  critical: props => <ErrorOutline color="error" {...props} />,
  high: props => (
    <ReportProblemOutlined style={{ color: '#f57c00' }} {...props} />
  ),
  normal: props => <CheckCircleOutline color="primary" {...props} />,
  low: props => <InfoOutlined color="action" {...props} />,
};

/** The icon of a severity, used for rows, snackbars and the home card. */
export function SeverityIcon(props: {
  severity?: NotificationSeverity;
  fontSize?: SvgIconProps['fontSize'];
}) {
  const Icon =
    severityIcons[props.severity ?? 'normal'] ?? severityIcons.normal;
  return (
    <Icon
      fontSize={props.fontSize}
      titleAccess={`Severity ${props.severity ?? 'normal'}`}
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
