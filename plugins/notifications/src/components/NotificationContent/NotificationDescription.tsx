import { createSwappableComponent } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
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
    <Typography
      variant="body2"
      component="div"
      style={{ whiteSpace: 'pre-wrap' }}
    >
      {text}
      {foldable && (
        <Button
          size="small"
          color="primary"
          onClick={() => setExpanded(!expanded)}
          style={{ textTransform: 'none', padding: '0 4px', minWidth: 0 }}
        >
          {expanded ? t('notification.showLess') : t('notification.showMore')}
        </Button>
      )}
    </Typography>
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
