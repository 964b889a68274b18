import { NotificationSeverity } from '@herald/plugin-notifications-common';

/*
 * Colours the notification components use beside Backstage UI's tokens.
 * Each is a `light-dark()` pair: Backstage UI sets `color-scheme` from the
 * app theme's mode, so the pair follows the theme. Backstage UI's own
 * secondary text (#a3a3a3) is under 4.5:1 on a dark card and its warning
 * colour under 3:1 on white, hence pairs of our own.
 */

/** Captions and secondary text: 4.5:1 or more on white, #f8f8f8 and #424242. */
export const secondaryTextColor = 'light-dark(#595959, #c2c2c2)';

/** Links in a body: 4.5:1 or more on white, #f8f8f8 and #424242. */
export const linkColor = 'light-dark(#1f5493, #9cc9ff)';

/**
 * The colour of a severity on the page: at least 3:1 against light and dark
 * surfaces (the amber of high is darker on light pages, lighter on dark).
 */
const severityColors: Record<NotificationSeverity, string> = {
  critical: 'light-dark(#c62828, #ef9a9a)',
  high: 'light-dark(#b35c00, #ffb74d)',
  normal: 'light-dark(#1f5493, #9cc9ff)',
  low: secondaryTextColor,
};

export function severityColor(severity: NotificationSeverity): string {
  return severityColors[severity];
}
