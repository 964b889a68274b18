import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Text } from '@backstage/ui';
import { Component, ErrorInfo, ReactNode } from 'react';
import { notificationsTranslationRef } from '../../translation';
import { secondaryTextColor } from './palette';

/** What stands in for a notification that failed to render. */
export function NotificationUnavailable() {
  const { t } = useTranslationRef(notificationsTranslationRef);
  return (
    <Text
      as="span"
      variant="body-medium"
      style={{ color: secondaryTextColor }}
      data-testid="notification-unavailable"
    >
      {t('renderError.placeholder')}
    </Text>
  );
}

type Props = {
  children: ReactNode;
  /** Rendered instead of the children once they threw. */
  fallback: ReactNode;
};

/**
 * Keeps one notification that cannot be rendered (its payload comes from
 * outside the app) from taking down the list, card or page around it.
 */
export class NotificationErrorBoundary extends Component<
  Props,
  { failed: boolean }
> {
  static getDerivedStateFromError() {
    return { failed: true };
  }

  state = { failed: false };

  componentDidCatch(error: Error, info: ErrorInfo) {
    // eslint-disable-next-line no-console
    console.error('A notification could not be rendered', error, info);
  }

  render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}
