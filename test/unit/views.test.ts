import { describe, it, expect } from 'vitest';
import ejs from 'ejs';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ejsEngine, escapeHtml, expandIncludes, namesRead } from '../../src/lib/views.ts';

function viewsDir(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'onramp-views-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

const render = (root: string, file: string, data: object) =>
  new Promise<string>((resolve, reject) => ejsEngine(root)(join(root, file), data, (err, html) => (err ? reject(err) : resolve(html!))));

describe('views', () => {
  it('when a page includes partials by absolute or relative path, with or without data, then it renders as with runtime includes', async () => {
    const root = viewsDir({
      'partials/head.ejs': '<title><%= title %></title>',
      'pages/badge.ejs': '<b><%= status %>/<%= title %></b>',
      'pages/page.ejs': "<%- include('/partials/head') %><% items.forEach(function (it) { %><%- include('badge', { status: it }) %><% }) %><% if (typeof missing !== 'undefined') { %>!<% } %>",
    });
    const data = { title: 'A & B', items: ['new', '<draft>'] };
    const expected = ejs.render("<title><%= title %></title><% items.forEach(function (it) { %><b><%= it %>/<%= title %></b><% }) %>", data);
    expect(await render(root, 'pages/page.ejs', data)).toBe(expected);
    expect(expected).toContain('&lt;draft&gt;');
  });

  it('when a partial includes itself or reaches outside the views folder, or an include cannot be expanded, then compiling says which file', () => {
    const root = viewsDir({
      'a.ejs': "<%- include('b') %>",
      'b.ejs': "<%- include('/a') %>",
      'out.ejs': "<%- include('../secret') %>",
      'odd.ejs': '<%- include(name) %>',
    });
    expect(() => expandIncludes(join(root, 'a.ejs'), root)).toThrow(/a\.ejs → b\.ejs → a\.ejs/);
    expect(() => expandIncludes(join(root, 'out.ejs'), root)).toThrow(/outside the views folder/);
    expect(() => expandIncludes(join(root, 'odd.ejs'), root)).toThrow(/odd\.ejs: write includes as/);
  });

  it("when a view's names are read, then globals, keywords, properties, strings and its own declarations are left out", () => {
    const names = namesRead("<% var s = state.session; %><%= encodeURIComponent(path) %><%= user ? user.name : 'class' %><%# note %>");
    expect(names).toEqual(['path', 'state', 'user']);
  });

  it('when values are escaped, then the result is the same as EJS escaping', () => {
    for (const v of ['plain', `<a href="x">'&'</a>`, 42, undefined, null, '', 'é → ok']) expect(escapeHtml(v)).toBe(ejs.escapeXML(v as string));
  });
});
