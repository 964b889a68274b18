import { useEffect, useRef } from 'react';

/** The single-key shortcuts of the inbox, by key. */
export const inboxShortcutKeys = ['j', 'k', 'r', 'e', 's', '?'] as const;
export type InboxShortcutKey = (typeof inboxShortcutKeys)[number];

const TYPING_ROLES = new Set([
  'textbox',
  'searchbox',
  'combobox',
  'listbox',
  'option',
  'menu',
  'menuitem',
  'spinbutton',
  'slider',
]);

/**
 * Whether a key press belongs to what the user is typing into or choosing
 * from, where a letter must stay a letter.
 */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) {
    return false;
  }
  if (target.closest('input, textarea, select, [contenteditable="true"]')) {
    return true;
  }
  const role = target.closest('[role]')?.getAttribute('role');
  return role ? TYPING_ROLES.has(role) : false;
}

/**
 * The shortcut a key press asks for, if any: no modifier besides the Shift
 * that `?` needs, and not while typing.
 */
export function shortcutOf(event: KeyboardEvent): InboxShortcutKey | undefined {
  if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) {
    return undefined;
  }
  if (event.defaultPrevented || isTypingTarget(event.target)) {
    return undefined;
  }
  const key = event.key;
  if (event.shiftKey && key !== '?') {
    return undefined;
  }
  return (inboxShortcutKeys as readonly string[]).includes(key)
    ? (key as InboxShortcutKey)
    : undefined;
}

/**
 * Runs `onShortcut` for the inbox shortcuts pressed anywhere on the page but
 * inside a dialog. Listens in the capture phase so the table's own
 * type-to-select never sees these letters.
 */
export function useInboxShortcuts(
  onShortcut: (key: InboxShortcutKey) => void,
  enabled: boolean = true,
) {
  const handler = useRef(onShortcut);
  handler.current = onShortcut;
  useEffect(() => {
    if (!enabled) {
      return undefined;
    }
    const onKeyDown = (event: KeyboardEvent) => {
      const key = shortcutOf(event);
      if (!key) {
        return;
      }
      if (
        event.target instanceof Element &&
        event.target.closest('[role="dialog"], [role="alertdialog"]')
      ) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      handler.current(key);
    };
    document.addEventListener('keydown', onKeyDown, true);
    return () => document.removeEventListener('keydown', onKeyDown, true);
  }, [enabled]);
}
