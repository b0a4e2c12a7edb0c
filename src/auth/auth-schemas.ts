import { z } from 'zod';

import { Username } from '../lib/username.ts';
import { singleLineText } from '../lib/validate.ts';

export { Username };

const COMMON = new Set([
  'password', 'password1', 'password123', '12345678', '123456789', '1234567890', 'qwertyuiop', 'qwerty123',
  '11111111', '00000000', 'iloveyou', 'sunshine1', 'letmein1', 'football', 'baseball', 'welcome1', 'admin123',
  'administrator', 'starlingx', 'starlingx1', 'sysadmin', 'sysadmin1', 'onramp', 'onramp123', 'changeme',
  'abc12345', 'passw0rd', 'trustno1', 'superman', 'princess', 'dragon123', 'monkey123', 'openstack',
  'kubernetes',
]);

/** Checked exactly as typed: no trimming, no case change; capped so hashing cost stays bounded. */
export const Password = z
  .string()
  .min(8, 'Use at least 8 characters.')
  .max(256, 'Use at most 256 characters.')
  .refine((p) => !COMMON.has(p.toLowerCase()), 'That password is too common; choose another.');

const csrf = { _csrf: z.string().optional() };

export const SignupForm = z.strictObject({ username: Username, password: Password, next: z.string().max(512).optional(), ...csrf });

export const LoginForm = z.strictObject({
  username: z.string().min(1, 'Enter your username.').max(64),
  password: z.string().min(1, 'Enter your password.').max(256),
  next: z.string().max(512).optional(),
  ...csrf,
});

export const PasswordChangeForm = z
  .strictObject({ current: z.string().min(1, 'Enter your current password.').max(256), password: Password, confirm: z.string().max(256), ...csrf })
  .refine((f) => f.password === f.confirm, { path: ['confirm'], message: 'The two new passwords differ.' });

export const PasswordResetForm = z
  .strictObject({ password: Password, confirm: z.string().max(256), ...csrf })
  .refine((f) => f.password === f.confirm, { path: ['confirm'], message: 'The two passwords differ.' });

export const DeleteAccountForm = z.strictObject({
  password: z.string().min(1, 'Enter your password to confirm.').max(256),
  confirm: z.literal('delete', 'Type “delete” to confirm.'),
  ...csrf,
});
/** An account made by signing in with a provider has no password to confirm with. */
export const DeletePasswordlessForm = DeleteAccountForm.extend({ password: z.string().max(256).optional() });

export const ApiSignup = z.strictObject({ username: Username, password: Password });
export const ApiTokenRequest = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
  name: singleLineText(60, 1),
  scopes: z.array(z.enum(['all', 'checkpoints'])).min(1).max(2).optional(),
});
export const TokenForm = z.strictObject({
  name: singleLineText(60, 1, { min: 'Name the token.' }),
  scope: z.enum(['all', 'checkpoints'], 'Choose what the token may do.').default('all'),
  ...csrf,
});
