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
 * Save and read toggles for a set of notifications. The direction follows
 * upstream: if any of them is already saved (read), the toggle undoes it.
 */
export function SaveAndReadToggles(
  props: Pick<NotificationActions, 'onSave' | 'onRead'> & {
    notifications: Notification[];
    /** Labels the buttons as acting on the selected rows. */
    selection?: boolean;
  },
) {
  const { notifications, onSave, onRead } = props;
  const selection = props.selection ?? false;
  const { t } = useTranslationRef(notificationsTranslationRef);
  const disabled = notifications.length === 0;
  const anySaved = notifications.some(n => !!n.saved);
  const anyRead = notifications.some(n => !!n.read);
  const labels = selection
    ? {
        save: anySaved
          ? t('table.bulkActions.undoSaveForSelected')
          : t('table.bulkActions.saveSelectedForLater'),
        read: anyRead
          ? t('table.bulkActions.returnSelectedAmongUnread')
          : t('table.bulkActions.markSelectedAsRead'),
      }
    : {
        save: anySaved
          ? t('table.rowActions.undoSave')
          : t('table.rowActions.saveForLater'),
        read: anyRead
          ? t('table.rowActions.returnAmongUnread')
          : t('table.rowActions.markAsRead'),
      };
  return (
    <>
      <ActionButton
        label={labels.save}
        icon={anySaved ? <RiBookmarkFill /> : <RiBookmarkLine />}
        disabled={disabled}
        onPress={() => onSave(notifications, !anySaved)}
      />
      <ActionButton
        label={labels.read}
        icon={anyRead ? <RiMailLine /> : <RiMailOpenLine />}
        disabled={disabled}
        onPress={() => onRead(notifications, !anyRead)}
      />
    </>
  );
}

/**
 * Save, read, done and snooze for a set of notifications; done and snooze
 * undo themselves like the save and read toggles.
 */
export function NotificationActionButtons(
  props: NotificationActions & {
    notifications: Notification[];
    /** Labels the buttons as acting on the selected rows. */
    selection?: boolean;
  },
) {
  const { notifications, onDone, onSnooze } = props;
  const selection = props.selection ?? false;
  const { t } = useTranslationRef(notificationsTranslationRef);
  const disabled = notifications.length === 0;
  const anyDone = notifications.some(n => !!n.done);
  const anySnoozed = notifications.some(n => !!snoozedUntilOf(n));
  const labels = selection
    ? {
        done: anyDone
          ? t('table.bulkActions.returnSelectedToInbox')
          : t('table.bulkActions.markSelectedDone'),
        snooze: t('table.bulkActions.snoozeSelected'),
        unsnooze: t('table.bulkActions.unsnoozeSelected'),
      }
    : {
        done: anyDone
          ? t('table.rowActions.returnToInbox')
          : t('table.rowActions.markDone'),
        snooze: t('table.rowActions.snooze'),
        unsnooze: t('table.rowActions.unsnooze'),
      };
  return (
    <>
      <SaveAndReadToggles {...props} />
      <ActionButton
        label={labels.done}
        icon={anyDone ? <RiInboxUnarchiveLine /> : <RiCheckboxCircleLine />}
        disabled={disabled}
        onPress={() => onDone(notifications, !anyDone)}
      />
      {anySnoozed ? (
        <ActionButton
          label={labels.unsnooze}
          icon={<RiSunLine />}
          disabled={disabled}
          onPress={() => onSnooze(notifications, null)}
        />
      ) : (
        <SnoozeMenu
          label={labels.snooze}
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
