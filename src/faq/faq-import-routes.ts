import { Router, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../lib/errors.ts';
import { PandocError } from '../lib/pandoc.ts';
import { fieldErrors, singleLineText } from '../lib/validate.ts';
import { flash } from '../lib/web/flash.ts';
import { requireRole } from '../lib/web/roles.ts';
import type { FaqRepository } from './faq-repository.ts';
import type { FaqService } from './faq-service.ts';
import { importRst, importSentence } from './rst-import.ts';

/** Forms are capped at 64 KB by the app's body parser; a page's text must fit with its encoding. */
export const PASTE_MAX = 48 * 1024;

const ImportForm = z.strictObject({
  _csrf: z.string().optional(),
  file: singleLineText(200, 1, { min: 'Say which page of the docs this is.' }).pipe(
    z.string().regex(/^[A-Za-z0-9_./-]+$/, 'Write the path as the docs repository has it, e.g. doc/source/fault-mgmt/kubernetes/troubleshooting.rst.'),
  ),
  rst: z.string().max(PASTE_MAX, `Paste at most ${PASTE_MAX / 1024} KB; import a longer page with npm run faq:import-rst.`).refine((s) => s.trim() !== '', 'Paste the page, or choose its file.'),
});

/**
 * Maintainers import a troubleshooting page of the StarlingX docs (reStructuredText) as drafts for
 * review: its problem/cause/fix sections, converted by pandoc. Mounted before the review routes, so
 * that /review/import is this page and not an entry.
 */
export function importRoutes(deps: { faq: FaqService; repo: FaqRepository }): Router {
  const r = Router();
  r.use('/review/import', requireRole('maintainer'));

  const form = (res: Response, status = 200, errors: Record<string, string> = {}, values = { file: '', rst: '' }) =>
    res.status(status).render('faq/import-docs', { title: 'Import from the docs', errors, values, max: PASTE_MAX });

  r.get('/review/import', (_req, res) => form(res));

  r.post('/review/import', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const values = { file: typeof body.file === 'string' ? body.file : '', rst: typeof body.rst === 'string' ? body.rst : '' };
    const parsed = ImportForm.safeParse(body);
    if (!parsed.success) return form(res, 422, fieldErrors(parsed.error), values);
    let result;
    try {
      result = await importRst(parsed.data.rst, parsed.data.file, {
        exists: (key) => deps.repo.byImportKey(key) !== undefined,
        has: (id) => deps.repo.has(id),
        createDraft: (d) => deps.faq.createDraft(d),
      });
    } catch (err) {
      if (err instanceof PandocError && err.missing) throw new AppError(503, 'converter_missing', 'The docs converter (pandoc) is not installed on this server; ask an administrator.');
      if (err instanceof PandocError || (err instanceof AppError && err.code === 'rst_unreadable')) return form(res, 422, { rst: `This page could not be read: ${err.message}` }, values);
      throw err;
    }
    flash(res, importSentence(result));
    res.redirect(303, '/review?status=draft');
  });
  return r;
}
