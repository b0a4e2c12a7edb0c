import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * A lab's password or private key as it is stored: AES-256-GCM under a key derived from LAB_SECRET,
 * bound to the lab it belongs to (the additional data), so a sealed value copied onto another lab
 * record does not open. `kid` names the key, so a rotation knows which records still need the old one.
 */
export interface Sealed {
  v: 1;
  kid: string;
  iv: string;
  tag: string;
  data: string;
}

interface Key {
  kid: string;
  key: Buffer;
}

function deriveKey(secret: string): Key {
  const key = Buffer.from(hkdfSync('sha256', secret, 'onramp-labs', 'lab secrets v1', 32));
  // A short id of the derived key, not of the secret: it tells keys apart and reveals nothing usable.
  const kid = createHash('sha256').update(key).digest('hex').slice(0, 12);
  return { kid, key };
}

export class LabKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabKeyError';
  }
}

/**
 * Seals with the current key; opens with the current or the previous one (LAB_SECRET_PREVIOUS, kept
 * during a rotation until `npm run labs:rekey` has sealed every record again with the current key).
 */
export function createSecretBox(secret: string | undefined, previous?: string) {
  const current = secret ? deriveKey(secret) : undefined;
  const keys = [current, previous ? deriveKey(previous) : undefined].filter((k): k is Key => !!k);

  function keyFor(kid: string): Key {
    const k = keys.find((x) => x.kid === kid);
    if (!k) {
      throw new LabKeyError(
        current
          ? `A lab secret was sealed with a key (id ${kid}) that neither LAB_SECRET nor LAB_SECRET_PREVIOUS is. Set LAB_SECRET_PREVIOUS to the key it was sealed with, then run npm run labs:rekey.`
          : 'Lab secrets are stored, but LAB_SECRET is not set: set it to the key they were sealed with.',
      );
    }
    return k;
  }

  return {
    /** Whether labs can be loaded at all (a key is configured). */
    enabled: !!current,
    currentKid: current?.kid,

    seal(plain: string, boundTo: string): Sealed {
      if (!current) throw new LabKeyError('Labs are off on this server: an admin sets LAB_SECRET to turn them on.');
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(Buffer.from(boundTo));
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return { v: 1, kid: current.kid, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
    },

    open(sealed: Sealed, boundTo: string): string {
      const { key } = keyFor(sealed.kid);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
      decipher.setAAD(Buffer.from(boundTo));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      try {
        return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
      } catch {
        throw new LabKeyError('A lab secret does not open with its key: the record was changed or belongs to another lab.');
      }
    },

    /** Throws a LabKeyError when no configured key can open this record. */
    check(sealed: Sealed): void {
      keyFor(sealed.kid);
    },

    isCurrent: (sealed: Sealed) => !!current && sealed.kid === current.kid,
  };
}

export type SecretBox = ReturnType<typeof createSecretBox>;
