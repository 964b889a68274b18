import { createSwappableComponent } from '@backstage/frontend-plugin-api';
import { Button, Text } from '@backstage/ui';
import { useState } from 'react';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { notificationsTranslationRef } from '../../translation';

/** Descriptions longer than this are folded behind "Show more". */
const FOLDED_LENGTH = 100;

/** @public */
export type NotificationDescriptionProps = {
  description: string;
};

/**
 * The default description: plain text (React escapes it, so markup in it is
 * shown, never interpreted), folded when long.
 */
export function DefaultNotificationDescription(
  props: NotificationDescriptionProps,
) {
  const { description } = props;
  const [expanded, setExpanded] = useState(false);
  const { t } = useTranslationRef(notificationsTranslationRef);
  const foldable = description.length > FOLDED_LENGTH;
  const text =
    foldable && !expanded
      ? `${description.slice(0, FOLDED_LENGTH)}...`
      : description;
  return (
    <Text as="div" variant="body-medium" style={{ whiteSpace: 'pre-wrap' }}>
      {text}
      {foldable && (
        <Button
          size="small"
          variant="tertiary"
          onPress={() => setExpanded(!expanded)}
          style={{ marginInlineStart: 4 }}
        >
          {expanded ? t('notification.showLess') : t('notification.showMore')}
        </Button>
      )}
    </Text>
  );
}

/**
 * How a notification's description is shown; apps may swap it for their own.
 * @public
 */
export const NotificationDescription =
  createSwappableComponent<NotificationDescriptionProps>({
    id: 'notifications.notification-description',
    loader: () => DefaultNotificationDescription,
  });
