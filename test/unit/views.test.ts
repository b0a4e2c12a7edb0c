import { describe, it, expect } from 'vitest';
import { tempDir } from '../support/temp.ts';
import ejs from 'ejs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkViews, ejsEngine, escapeHtml, expandIncludes } from '../../src/lib/views.ts';

function viewsDir(files: Record<string, string>): string {
  const root = tempDir('views');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

const render = (root: string, file: string, data: object) =>
  new Promise<string>((resolve, reject) => ejsEngine(root, { check: false })(join(root, file), data, (err, html) => (err ? reject(err) : resolve(html!))));

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

  it('when a partial gets data named like the page\'s own locals, or data that is not a literal, then it sees the data on top of the page', async () => {
    const root = viewsDir({
      'partials/count.ejs': '<i><%= unread %>:<%= title %><% if (typeof extra !== "undefined") { %>+<%= extra %><% } %></i>',
      // `{ unread: unread }` reads the page's unread; `{ unread: 'a,b'.split(',').length, extra }` a call and a shorthand; `more` is not a literal; a repeated key keeps the last value.
      'page.ejs': "<%- include('/partials/count', { unread: unread }) %><%- include('/partials/count', { unread: 'a,b'.split(',').length, extra }) %><%- include('/partials/count', more) %><%- include('/partials/count', { unread: 1, unread: 2 }) %><%= unread %>",
    });
    const html = await render(root, 'page.ejs', { title: 'T', unread: 3, extra: 'x', more: { unread: 9, title: 'M' } });
    expect(html).toBe('<i>3:T+x</i><i>2:T+x</i><i>9:M+x</i><i>2:T+x</i>3');
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

  it('when a partial declares a name the page also uses, then each sees its own', async () => {
    const root = viewsDir({
      'part.ejs': "<% const title = 'inner' %><i><%= title %></i>",
      'page.ejs': "<h1><%= title %></h1><%- include('part') %><p><%= title %></p>",
    });
    expect(await render(root, 'page.ejs', { title: 'Outer' })).toBe('<h1>Outer</h1><i>inner</i><p>Outer</p>');
  });

  it('when a local is used inside a template literal, or is named like a global, then the local is read', async () => {
    const root = viewsDir({ 'page.ejs': '<%= `${who} took ${performance} ms` %>' });
    expect(await render(root, 'page.ejs', { who: 'me', performance: 12 })).toBe('me took 12 ms');
  });

  it('when a local is not passed, then typeof tests work and a bare read names the missing local', async () => {
    const root = viewsDir({ 'ok.ejs': "<%= typeof flash !== 'undefined' ? flash : 'none' %>", 'bad.ejs': '<%= forgotten %>' });
    expect(await render(root, 'ok.ejs', {})).toBe('none');
    expect(await render(root, 'ok.ejs', { flash: 'hi' })).toBe('hi');
    await expect(render(root, 'bad.ejs', {})).rejects.toThrow(/forgotten is not defined/);
  });

  it('when an error happens inside a partial, then it is reported at the partial\'s own file and line', async () => {
    const root = viewsDir({
      'partials/box.ejs': 'line one\nline two\n<%= item.name.toUpperCase() %>\n',
      'page.ejs': "first\nsecond\n<%- include('/partials/box', { item: {} }) %>\nlast\n",
    });
    const err = await render(root, 'page.ejs', {}).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/^partials\/box\.ejs:3\n/);
    expect((err as Error).message).toContain(' >> 3| <%= item.name.toUpperCase() %>');
  });

  it('when a template does not compile, then checking the views (at start-up) fails and names the file', () => {
    const root = viewsDir({ 'fine.ejs': '<p><%= a %></p>', 'partials/broken.ejs': '<% if (x) { %>unclosed' });
    expect(() => checkViews(root)).toThrow(/partials\/broken\.ejs/);
  });

  it('when values are escaped, then the result is the same as EJS escaping', () => {
    for (const v of ['plain', `<a href="x">'&'</a>`, 42, undefined, null, '', 'é → ok']) expect(escapeHtml(v)).toBe(ejs.escapeXML(v as string));
  });
});
