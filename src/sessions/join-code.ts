import { randomInt } from 'node:crypto';

/** No 0/O, 1/I/L: a code read aloud or copied from a slide survives. 31^8 ≈ 8.5e11 codes. */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const CODE_LENGTH = 8;
const CODE_RE = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);

export function newJoinCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** Accepts "abcd-efgh", " ABCD EFGH "; returns undefined for anything that cannot be a code. */
export function normalizeCode(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length > 32) return undefined;
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  return CODE_RE.test(code) ? code : undefined;
}

/** "ABCD-EFGH", easier to read out. */
export const formatCode = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;
