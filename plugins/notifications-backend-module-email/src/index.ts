/**
 * Emails Herald notifications through nodemailer (SMTP, sendmail, SES or a
 * local stream transport).
 *
 * @packageDocumentation
 */
export {
  notificationsModuleEmail as default,
  notificationsModuleEmail,
} from './module';
export * from './extensions';
