import type { SecretBox } from './lab-crypto.ts';
import type { LabsRepository } from './labs-repository.ts';
import type { Lab } from './labs-types.ts';
import { sealedFor } from './labs-service.ts';

/**
 * Seals every lab secret again with the current key (LAB_SECRET), opening it with whichever key it
 * was sealed with (LAB_SECRET or LAB_SECRET_PREVIOUS). After it, LAB_SECRET_PREVIOUS can go. One
 * commit: a crash leaves every record as it was or every record done.
 */
export async function rekeyLabs(repo: LabsRepository, box: SecretBox): Promise<{ resealed: number; current: number }> {
  let changed: Lab[] = [];
  let current = 0;
  await repo.write(() => {
    changed = [];
    current = 0;
    for (const lab of repo.all()) {
      if (box.isCurrent(lab.secret)) {
        current += 1;
        continue;
      }
      changed.push({ ...lab, secret: box.seal(box.open(lab.secret, sealedFor(lab)), sealedFor(lab)) });
    }
    return changed.length ? { labs: changed } : undefined;
  });
  return { resealed: changed.length, current };
}
