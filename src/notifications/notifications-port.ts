/** What other features may do with notifications: tell a user that something happened to their work. */
export interface NotificationsPort {
  /**
   * Shows `text` in the user's header until they read it, and e-mails it when they asked for that and
   * SMTP is configured. Never throws: a notice that cannot be delivered is logged.
   */
  notify(userId: string, notice: { text: string; url: string; details?: string }): Promise<void>;
}
