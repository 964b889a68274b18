import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Dialog, DialogBody, DialogHeader, DialogTrigger } from '@backstage/ui';
import { RiKeyboardLine } from '@remixicon/react';
import { notificationsTranslationRef } from '../../translation';
import { ActionButton } from './ActionButton';
import { inboxShortcutKeys } from './shortcuts';

/** The keyboard shortcuts of the inbox, opened by its button or by `?`. */
export function ShortcutsHelp(props: {
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const { t } = useTranslationRef(notificationsTranslationRef);
  const descriptions = {
    j: t('table.shortcuts.next'),
    k: t('table.shortcuts.previous'),
    r: t('table.shortcuts.read'),
    e: t('table.shortcuts.done'),
    s: t('table.shortcuts.save'),
    '?': t('table.shortcuts.help'),
  };
  return (
    <DialogTrigger isOpen={props.isOpen} onOpenChange={props.onOpenChange}>
      <ActionButton
        label={t('table.shortcuts.open')}
        icon={<RiKeyboardLine />}
      />
      <Dialog>
        <DialogHeader>{t('table.shortcuts.title')}</DialogHeader>
        <DialogBody>
          <dl
            data-testid="notifications-shortcuts"
            style={{
              display: 'grid',
              gridTemplateColumns: 'auto 1fr',
              gap: '8px 16px',
              margin: 0,
            }}
          >
            {inboxShortcutKeys.map(key => (
              <div key={key} style={{ display: 'contents' }}>
                <dt>
                  <kbd>{key}</kbd>
                </dt>
                <dd style={{ margin: 0 }}>{descriptions[key]}</dd>
              </div>
            ))}
          </dl>
        </DialogBody>
      </Dialog>
    </DialogTrigger>
  );
}
