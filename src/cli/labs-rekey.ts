import { loadConfig } from '../config.ts';
import { createSecretBox, LabKeyError } from '../labs/lab-crypto.ts';
import { createLabsRepository } from '../labs/labs-repository.ts';
import { rekeyLabs } from '../labs/lab-rekey.ts';
import { CliError, openStoreForCli, runCli } from './cli-store.ts';

/**
 * `npm run labs:rekey`: after LAB_SECRET changed (the old key in LAB_SECRET_PREVIOUS), seals every
 * stored lab password and key with the new one. Run it with the server stopped; then remove
 * LAB_SECRET_PREVIOUS and start the server.
 */
export async function labsRekey(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const config = loadConfig(env);
  if (!config.labs.secret) throw new CliError('Set LAB_SECRET to the new key (and LAB_SECRET_PREVIOUS to the old one), then run this again.');
  const box = createSecretBox(config.labs.secret, config.labs.previousSecret);
  const store = await openStoreForCli(config);
  try {
    const { resealed, current } = await rekeyLabs(createLabsRepository(store), box);
    console.log(`Sealed ${resealed} lab secret(s) with LAB_SECRET; ${current} already were. You can now remove LAB_SECRET_PREVIOUS.`);
    return 0;
  } catch (err) {
    throw err instanceof LabKeyError ? new CliError(err.message) : err;
  } finally {
    await store.close();
  }
}

if (process.argv[1]?.endsWith('labs-rekey.ts')) runCli(() => labsRekey());
