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

/**
 * Save and read toggles for a set of notifications. The direction follows
 * upstream: if any of them is already saved (read), the toggle undoes it.
 */
export function SaveAndReadToggles(props: {
  notifications: Notification[];
  onSave: (notifications: Notification[], saved: boolean) => void;
  onRead: (notifications: Notification[], read: boolean) => void;
  suffix?: string;
}) {
  const { notifications, onSave, onRead, suffix = '' } = props;
  const disabled = notifications.length === 0;
  const anySaved = notifications.some(n => !!n.saved);
  const anyRead = notifications.some(n => !!n.read);
  const saveLabel = anySaved
    ? `Undo save${suffix}`
    : `Save${suffix ? `${suffix} for later` : ' for later'}`;
  const readLabel = anyRead
    ? `Return${suffix} among unread`
    : `Mark${suffix} as read`;
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
  return (
    <>
      <Tooltip title="Mark all read">
        <span>
          <IconButton
            size="small"
            aria-label="Mark all read"
            disabled={!props.enabled}
            onClick={() => setOpen(true)}
          >
            <DoneAll />
          </IconButton>
        </span>
      </Tooltip>
      <Dialog open={open} onClose={() => setOpen(false)}>
        <DialogTitle>Are you sure?</DialogTitle>
        <DialogContent>Mark all notifications as read.</DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>Cancel</Button>
          <Button
            color="primary"
            variant="contained"
            onClick={() => {
              setOpen(false);
              props.onConfirm();
            }}
          >
            Mark All
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
