import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import Bookmark from '@material-ui/icons/Bookmark';
import BookmarkBorder from '@material-ui/icons/BookmarkBorder';
import DoneAll from '@material-ui/icons/DoneAll';
import Drafts from '@material-ui/icons/Drafts';
import Markunread from '@material-ui/icons/Markunread';
import { Notification } from '@herald/plugin-notifications-common';
import { useState } from 'react';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { notificationsTranslationRef } from '../../translation';

/**
 * Save and read toggles for a set of notifications. The direction follows
 * upstream: if any of them is already saved (read), the toggle undoes it.
 */
export function SaveAndReadToggles(props: {
  notifications: Notification[];
  onSave: (notifications: Notification[], saved: boolean) => void;
  onRead: (notifications: Notification[], read: boolean) => void;
  /** Labels the buttons as acting on the selected rows. */
  selection?: boolean;
}) {
  const { notifications, onSave, onRead, selection = false } = props;
  const { t } = useTranslationRef(notificationsTranslationRef);
  const disabled = notifications.length === 0;
  const anySaved = notifications.some(n => !!n.saved);
  const anyRead = notifications.some(n => !!n.read);
  let saveLabel: string;
  let readLabel: string;
  if (selection) {
    saveLabel = anySaved
      ? t('table.bulkActions.undoSaveForSelected')
      : t('table.bulkActions.saveSelectedForLater');
    readLabel = anyRead
      ? t('table.bulkActions.returnSelectedAmongUnread')
      : t('table.bulkActions.markSelectedAsRead');
  } else {
    saveLabel = anySaved
      ? t('table.rowActions.undoSave')
      : t('table.rowActions.saveForLater');
    readLabel = anyRead
      ? t('table.rowActions.returnAmongUnread')
      : t('table.rowActions.markAsRead');
  }
  return (
    <>
      <Tooltip title={saveLabel}>
        <span>
          <IconButton
            size="small"
            aria-label={saveLabel}
            disabled={disabled}
            onClick={() => onSave(notifications, !anySaved)}
          >
            {anySaved ? <Bookmark /> : <BookmarkBorder />}
          </IconButton>
        </span>
      </Tooltip>
      <Tooltip title={readLabel}>
        <span>
          <IconButton
            size="small"
            aria-label={readLabel}
            disabled={disabled}
            onClick={() => onRead(notifications, !anyRead)}
          >
            {anyRead ? <Markunread /> : <Drafts />}
          </IconButton>
        </span>
      </Tooltip>
    </>
  );
}

/** "Mark all read" behind a confirmation. */
export function MarkAllReadButton(props: {
  enabled: boolean;
  onConfirm: () => void;
}) {
  const [open, setOpen] = useState(false);
  const { t } = useTranslationRef(notificationsTranslationRef);
  return (
    <>
      <Tooltip title={t('table.bulkActions.markAllRead')}>
        <span>
          <IconButton
            size="small"
            aria-label={t('table.bulkActions.markAllRead')}
            disabled={!props.enabled}
            onClick={() => setOpen(true)}
          >
            <DoneAll />
          </IconButton>
        </span>
      </Tooltip>
      <Dialog open={open} onClose={() => setOpen(false)}>
        <DialogTitle>{t('table.confirmDialog.title')}</DialogTitle>
        <DialogContent>
          {t('table.confirmDialog.markAllReadDescription')}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>
            {t('table.confirmDialog.cancel')}
          </Button>
          <Button
            color="primary"
            variant="contained"
            onClick={() => {
              setOpen(false);
              props.onConfirm();
            }}
          >
            {t('table.confirmDialog.markAllReadConfirmation')}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
