import { lazy } from '../lib/lazy.ts';
import { singleLine } from '../lib/validate.ts';

const nodemailer = lazy<typeof import('nodemailer')>('nodemailer');

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export type Mailer = (mail: Mail) => Promise<void>;

/**
 * Sends plain-text mail through the SMTP server of `SMTP_URL` (smtp:// or smtps://, credentials in the
 * address). Without one, mail is not sent. A subject is one line whatever the text it comes from.
 */
export function createMailer(smtpUrl: string | undefined, from: string): Mailer | undefined {
  if (!smtpUrl) return undefined;
  const transport = nodemailer().createTransport(smtpUrl);
  return async (mail) => {
    await transport.sendMail({ from, to: mail.to, subject: singleLine(mail.subject).slice(0, 200), text: mail.text });
  };
}
