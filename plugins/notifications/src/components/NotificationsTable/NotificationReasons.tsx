import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Text } from '@backstage/ui';
import { NotificationReason } from '@herald/plugin-notifications-common';
import { notificationsTranslationRef } from '../../translation';
import { secondaryTextColor } from '../NotificationContent';

/**
 * An entity ref as people read it: the namespace left out when it is the
 * default one.
 */
export function shortEntityRef(ref: string): string {
  return ref.replace(/^([^:]+:)default\//, '$1');
}

/** Why the user got a notification, in words. */
export function useReasonText() {
  const { t } = useTranslationRef(notificationsTranslationRef);
  return (reason: NotificationReason): string => {
    switch (reason.type) {
      case 'group':
        return t('reason.group', { group: shortEntityRef(reason.entityRef) });
      case 'owner':
        return reason.via
          ? t('reason.ownerVia', {
              entity: shortEntityRef(reason.entityRef),
              group: shortEntityRef(reason.via),
            })
          : t('reason.owner', { entity: shortEntityRef(reason.entityRef) });
      case 'broadcast':
        return t('reason.broadcast');
      default:
        return t('reason.direct');
    }
  };
}

/**
 * The reasons a notification reached the user, on its row; the full entity
 * refs are in the title. Nothing when the backend does not say (upstream's).
 */
export function NotificationReasons(props: { reasons?: NotificationReason[] }) {
  const { t } = useTranslationRef(notificationsTranslationRef);
  const reasonText = useReasonText();
  const reasons = props.reasons ?? [];
  if (reasons.length === 0) {
    return null;
  }
  const full = reasons
    .map(reason =>
      'entityRef' in reason
        ? `${reason.type}: ${reason.entityRef}${
            reason.type === 'owner' && reason.via ? ` (${reason.via})` : ''
          }`
        : reason.type,
    )
    .join(', ');
  return (
    <Text
      as="p"
      variant="body-x-small"
      style={{ color: secondaryTextColor }}
      title={full}
      data-testid="notification-reasons"
    >
      {t('reason.label')}: {reasons.map(reasonText).join('; ')}
    </Text>
  );
}
