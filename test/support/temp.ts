import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];

/** A fresh folder under the system's temp folder, removed when the test file has finished. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `onramp-${prefix}-`));
  made.push(dir);
  return dir;
}

/** Registered once per test file by vitest's setupFiles. */
export function removeTempDirsAfterAll(): void {
  afterAll(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
}
