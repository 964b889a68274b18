import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import {
  Button,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  DialogTrigger,
  Menu,
  MenuItem,
  MenuTrigger,
} from '@backstage/ui';
import { Notification } from '@herald/plugin-notifications-common';
import {
  RiAlarmLine,
  RiArrowGoBackLine,
  RiBookmarkFill,
  RiBookmarkLine,
  RiCheckDoubleLine,
  RiCheckboxCircleLine,
  RiInboxUnarchiveLine,
  RiMailLine,
  RiMailOpenLine,
  RiSunLine,
} from '@remixicon/react';
import { useState } from 'react';
import { notificationsTranslationRef } from '../../translation';
import { ActionButton } from './ActionButton';
import {
  SnoozePreset,
  snoozePresets,
  snoozeUntil,
  snoozedUntilOf,
} from './snooze';

/** What the actions of a row or of the selection do. */
export type NotificationActions = {
  onSave: (notifications: Notification[], saved: boolean) => void;
  onRead: (notifications: Notification[], read: boolean) => void;
  onDone: (notifications: Notification[], done: boolean) => void;
  onSnooze: (notifications: Notification[], until: Date | null) => void;
};

/**
 * The translation keys of each action's label, on one row and on the
 * selected rows.
 */
const actionLabelKeys = {
  save: [
    'table.rowActions.saveForLater',
    'table.bulkActions.saveSelectedForLater',
  ],
  undoSave: [
    'table.rowActions.undoSave',
    'table.bulkActions.undoSaveForSelected',
  ],
  read: ['table.rowActions.markAsRead', 'table.bulkActions.markSelectedAsRead'],
  unread: [
    'table.rowActions.returnAmongUnread',
    'table.bulkActions.returnSelectedAmongUnread',
  ],
  done: ['table.rowActions.markDone', 'table.bulkActions.markSelectedDone'],
  undone: [
    'table.rowActions.returnToInbox',
    'table.bulkActions.returnSelectedToInbox',
  ],
  snooze: ['table.rowActions.snooze', 'table.bulkActions.snoozeSelected'],
  unsnooze: ['table.rowActions.unsnooze', 'table.bulkActions.unsnoozeSelected'],
} as const;

/** Labels actions as acting on one row, or on the selected rows. */
function useActionLabel(selection: boolean) {
  const { t } = useTranslationRef(notificationsTranslationRef);
  return (action: keyof typeof actionLabelKeys) =>
    t(actionLabelKeys[action][selection ? 1 : 0]);
}

/**
 * Save, read, done and snooze for a set of notifications. Each undoes itself
 * as upstream's save and read toggles do: if any of them is already saved
 * (read, done, snoozed), the button undoes that.
 */
export function NotificationActionButtons(
  props: NotificationActions & {
    notifications: Notification[];
    /** Labels the buttons as acting on the selected rows. */
    selection?: boolean;
  },
) {
  const { notifications, onSave, onRead, onDone, onSnooze } = props;
  const label = useActionLabel(props.selection ?? false);
  const disabled = notifications.length === 0;
  const anySaved = notifications.some(n => !!n.saved);
  const anyRead = notifications.some(n => !!n.read);
  const anyDone = notifications.some(n => !!n.done);
  const anySnoozed = notifications.some(n => !!snoozedUntilOf(n));
  return (
    <>
      <ActionButton
        label={label(anySaved ? 'undoSave' : 'save')}
        icon={anySaved ? <RiBookmarkFill /> : <RiBookmarkLine />}
        disabled={disabled}
        onPress={() => onSave(notifications, !anySaved)}
      />
      <ActionButton
        label={label(anyRead ? 'unread' : 'read')}
        icon={anyRead ? <RiMailLine /> : <RiMailOpenLine />}
        disabled={disabled}
        onPress={() => onRead(notifications, !anyRead)}
      />
      <ActionButton
        label={label(anyDone ? 'undone' : 'done')}
        icon={anyDone ? <RiInboxUnarchiveLine /> : <RiCheckboxCircleLine />}
        disabled={disabled}
        onPress={() => onDone(notifications, !anyDone)}
      />
      {anySnoozed ? (
        <ActionButton
          label={label('unsnooze')}
          icon={<RiSunLine />}
          disabled={disabled}
          onPress={() => onSnooze(notifications, null)}
        />
      ) : (
        <SnoozeMenu
          label={label('snooze')}
          disabled={disabled}
          onSnooze={preset => onSnooze(notifications, snoozeUntil(preset))}
        />
      )}
    </>
  );
}

/** A button opening the snooze choices. */
function SnoozeMenu(props: {
  label: string;
  disabled: boolean;
  onSnooze: (preset: SnoozePreset) => void;
}) {
  const { t } = useTranslationRef(notificationsTranslationRef);
  return (
    <MenuTrigger>
      <ActionButton
        label={props.label}
        icon={<RiAlarmLine />}
        disabled={props.disabled}
      />
      <Menu
        aria-label={props.label}
        onAction={key => props.onSnooze(key as SnoozePreset)}
      >
        {snoozePresets.map(preset => (
          <MenuItem key={preset} id={preset}>
            {t(`table.snooze.${preset}`)}
          </MenuItem>
        ))}
      </Menu>
    </MenuTrigger>
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
    <DialogTrigger isOpen={open} onOpenChange={setOpen}>
      <ActionButton
        label={t('table.bulkActions.markAllRead')}
        icon={<RiCheckDoubleLine />}
        disabled={!props.enabled}
      />
      <Dialog>
        <DialogHeader>{t('table.confirmDialog.title')}</DialogHeader>
        <DialogBody>
          {t('table.confirmDialog.markAllReadDescription')}
        </DialogBody>
        <DialogFooter>
          <Button variant="secondary" slot="close">
            {t('table.confirmDialog.cancel')}
          </Button>
          <Button
            variant="primary"
            onPress={() => {
              setOpen(false);
              props.onConfirm();
            }}
          >
            {t('table.confirmDialog.markAllReadConfirmation')}
          </Button>
        </DialogFooter>
      </Dialog>
    </DialogTrigger>
  );
}

/** The inline notice that offers to undo marking notifications done. */
export function UndoDoneNotice(props: {
  count: number;
  onUndo: () => void;
  onDismiss: () => void;
}) {
  const { t } = useTranslationRef(notificationsTranslationRef);
  return (
    <>
      {t('table.undo.done', { count: props.count })}
      <Button
        size="small"
        variant="secondary"
        iconStart={<RiArrowGoBackLine />}
        onPress={props.onUndo}
      >
        {t('table.undo.action')}
      </Button>
      <Button size="small" variant="tertiary" onPress={props.onDismiss}>
        {t('table.undo.dismiss')}
      </Button>
    </>
  );
}
