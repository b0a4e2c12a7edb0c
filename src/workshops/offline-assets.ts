import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

export interface OfflineAssets {
  css: string;
  js: string;
  /** The copy's own Content-Security-Policy: its one style and one script, and no network at all. */
  csp: string;
}

let assets: OfflineAssets | undefined;

/**
 * What an offline copy carries inside itself: the site's styles (the print styles inside
 * `@media print`) and the one script it needs. Read once. A `</` in them would end the element they
 * are inlined in, so it is refused here rather than written into a broken file.
 */
export function offlineAssets(): OfflineAssets {
  if (!assets) {
    const css = [read('public/css/app.css'), read('node_modules/highlight.js/styles/github.min.css'), read('public/css/takeaway.css'), `@media print {\n${read('public/css/print.css')}\n}`].join('\n');
    const js = read('public/js/offline.js');
    if (/<\//.test(css) || /<\//.test(js)) throw new Error('offline copy: a stylesheet or the script contains "</", which would end its element');
    const csp = `default-src 'none'; style-src ${sha256(css)}; script-src ${sha256(js)}; img-src data:; base-uri 'none'; form-action 'none'`;
    assets = { css, js, csp };
  }
  return assets;
}
