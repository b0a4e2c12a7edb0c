import { z } from 'zod';

/** ASCII only: look-alike names (Cyrillic a, dotless i, zero-width characters) are refused outright. */
export const Username = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{3,32}$/, 'Use 3 to 32 letters, digits, dots, dashes or underscores.')
  .refine((u) => !['__proto__', 'constructor', 'prototype'].includes(u.toLowerCase()), 'That username is reserved.');
