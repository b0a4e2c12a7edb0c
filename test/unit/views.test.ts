import { describe, it, expect } from 'vitest';
import { tempDir } from '../support/temp.ts';
import ejs from 'ejs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkViews, ejsEngine, escapeHtml, expandIncludes, gapMark } from '../../src/lib/views.ts';
import { createPageFrames } from '../../src/lib/web/page-frames.ts';

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

  describe('pages rendered as a frame with personal parts', () => {
    const files = {
      'partials/menu.ejs': '<nav><%= user ? user.name : "Sign in" %></nav>',
      'partials/bar.ejs': '<progress value="<%= done %>"></progress>',
      'page.ejs': "<h1><%= title %></h1><%- personal('/partials/menu') %><p><%= body %></p><%- personal('/partials/bar', { done: mine.done }) %><form><%= csrfToken() %></form>",
    };
    const whole = (root: string, data: object) => render(root, 'page.ejs', data);

    it('when a page names personal parts, then it renders them like includes, and its frame plus each reader\'s parts is the whole page', async () => {
      const root = viewsDir(files);
      const engine = ejsEngine(root, { check: false });
      const ann = { title: 'Step & go', body: '<b>', user: { name: 'ann' }, mine: { done: 3 }, csrfToken: () => 'T1' };
      expect(await whole(root, ann)).toBe('<h1>Step &amp; go</h1><nav>ann</nav><p>&lt;b&gt;</p><progress value="3"></progress><form>T1</form>');
      const frame = engine.frame(join(root, 'page.ejs'), { title: 'Step & go', body: '<b>', csrfToken: () => 'TOKEN' });
      expect(frame).toBe(`<h1>Step &amp; go</h1>${gapMark(0)}<p>&lt;b&gt;</p>${gapMark(1)}<form>TOKEN</form>`);
      expect(engine.parts(join(root, 'page.ejs'), ann)(1)).toBe('<progress value="3"></progress>');
      expect(engine.parts(join(root, 'page.ejs'), { ...ann, user: null })(0)).toBe('<nav>Sign in</nav>');
    });

    it('when a frame is rendered from shared data and the page reads a personal name outside its personal parts, then rendering fails instead of keeping one reader\'s data', () => {
      const root = viewsDir({ ...files, 'leaky.ejs': "<h1><%= title %> for <%= user.name %></h1><%- personal('/partials/menu') %>" });
      const engine = ejsEngine(root, { check: false });
      expect(() => engine.frame(join(root, 'leaky.ejs'), { title: 'T' })).toThrow(/user is not defined/);
    });

    it('when readers read a framed page, then each gets their own parts and form token from one kept frame, and a change of state renders the frame again', async () => {
      const root = viewsDir(files);
      const engine = ejsEngine(root, { check: false });
      let content = { title: 'One' };
      const frames = createPageFrames({ engine, views: root, check: true });
      const read = (user: { name: string } | null, done: number, token: string) =>
        new Promise<string>((resolve, reject) => {
          const res = {
            locals: { user, csrfToken: () => token },
            setHeader: () => {},
            end: (body: Buffer) => resolve(body.toString()),
          };
          const req = { next: reject };
          frames.render(req as never, res as never, 'page', { key: 'k', shared: { title: content.title, body: 'b' }, data: { title: content.title, body: 'b', mine: { done } }, state: () => [content] });
        });
      expect(await read({ name: 'ann' }, 1, 'TA')).toBe('<h1>One</h1><nav>ann</nav><p>b</p><progress value="1"></progress><form>TA</form>');
      expect(await read({ name: 'bob' }, 2, 'TB')).toBe('<h1>One</h1><nav>bob</nav><p>b</p><progress value="2"></progress><form>TB</form>');
      expect(frames.stats).toEqual({ hits: 1, misses: 1 });
      content = { title: 'Two' };
      expect(await read(null, 0, 'TC')).toBe('<h1>Two</h1><nav>Sign in</nav><p>b</p><progress value="0"></progress><form>TC</form>');
      expect(frames.stats).toEqual({ hits: 1, misses: 2 });
    });

    it('when checking is on and a frame differs from the whole page, then the page fails with where they differ', async () => {
      // `typeof user` outside a personal part is false in the frame (rendered without it) and true for a reader.
      const root = viewsDir({ ...files, 'page.ejs': "<h1><%= typeof user !== 'undefined' ? 'hi' : 'T' %></h1><%- personal('/partials/menu') %>" });
      const frames = createPageFrames({ engine: ejsEngine(root, { check: false }), views: root, check: true });
      const err = await new Promise<Error>((resolve) => {
        const res = { locals: { user: { name: 'ann' } }, setHeader: () => {}, end: () => resolve(new Error('answered')) };
        frames.render({ next: resolve } as never, res as never, 'page', { key: 'k', shared: {}, data: {}, state: () => [] });
      });
      expect(err.message).toMatch(/page: the page rendered from its frame differs from the whole page at character 4/);
    });
  });
});
