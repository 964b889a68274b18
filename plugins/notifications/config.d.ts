export interface Config {
  notifications?: {
    /**
     * Whether opening a notification (its title, a link in its body, or
     * Open on its snackbar) marks it read. Default true. The
     * `markAsReadOnLinkOpen` prop of the page wins over this.
     * @visibility frontend
     */
    markAsReadOnLinkOpen?: boolean;
  };
}
