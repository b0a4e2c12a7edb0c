import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const IMG = /(?:<p>)?<img src="\/assets\/([a-z0-9]+(?:-[a-z0-9]+)*)\.svg" alt="([^"]*)"[^>]*>(?:<\/p>)?/g;
const FORBIDDEN = /<script|<foreignObject|\son[a-z]+\s*=|(?:href|src)\s*=\s*["']?\s*(?:javascript|data):/i;

/**
 * Diagrams are SVG files in `<content>/assets/`, written as images in Markdown
 * (`![Alt text](/assets/networks.svg)`) and inlined into the page when content loads: inline SVG
 * takes the page's colours (dark theme included), its text can be selected and read by screen readers,
 * and no extra request is made. An SVG must carry a <title> and may not script anything.
 */
export function inlineAssets(html: string, root: string): string {
  return html.replace(IMG, (_m, name: string, alt: string) => {
    let svg: string;
    try {
      svg = readFileSync(join(root, 'assets', `${name}.svg`), 'utf8').replace(/^<\?xml[^>]*>\s*/, '').trim();
    } catch {
      throw new Error(`diagram /assets/${name}.svg does not exist in the content folder's assets/`);
    }
    if (!svg.startsWith('<svg')) throw new Error(`/assets/${name}.svg: an SVG file must start with <svg`);
    if (!/<title[\s>]/.test(svg)) throw new Error(`/assets/${name}.svg: give the diagram a <title> (and a <desc>) for screen readers`);
    if (FORBIDDEN.test(svg)) throw new Error(`/assets/${name}.svg: scripts, event handlers, foreignObject and javascript:/data: links are not allowed`);
    return `<figure class="diagram">${svg}${alt ? `<figcaption>${alt}</figcaption>` : ''}</figure>`;
  });
}
