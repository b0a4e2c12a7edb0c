import { isErrorLine } from '../search/log-features.ts';
import { AppError } from '../lib/errors.ts';
import { cleanSubject, describeRawMessage, parseMessage, splitMbox, threadMails, type Mail, type Thread } from './mbox-threads.ts';
import type { DraftInput } from './faq-port.ts';

const INSTALL_WORDS =
  /\b(install(?:ation|ing|ed)?|bootstrap|ansible|playbook|unlock(?:ed)?|controller-\d|localhost\.yml|iso|pxe|deploy(?:ment)?|aio-?[sd]x|simplex|duplex|system host-\w+|kubectl|fm alarm-list|alarm|sysinv|provision(?:ing)?|starlingx)\b/gi;
const PROBLEM = /\?|\b(error|errors|fail(?:s|ed|ure)?|fatal|cannot|can't|unable|stuck|refused|help)\b/i;
const THANKS = /\b(thanks?|thank you|solved|fixed|that worked|it works|works now|resolved)\b/i;

/** A mailing-list thread worth a draft: an install problem that somebody answered. */
export function isInstallQuestion(thread: Thread): boolean {
  const q = thread.messages[0]!;
  const text = `${q.subject}\n${bodyOf(q)}`;
  const words = new Set((text.match(INSTALL_WORDS) ?? []).map((w) => w.toLowerCase()));
  const answered = thread.messages.some((m) => m.fromAddress !== q.fromAddress);
  return words.size >= 2 && PROBLEM.test(text) && answered;
}

/** The body without quoted lines, "On … wrote:" lines and the signature. */
export function bodyOf(m: Mail): string {
  const lines: string[] = [];
  for (const line of m.text.replace(/\r\n?/g, '\n').split('\n')) {
    if (line === '-- ' || line === '--') break;
    if (/^\s*>/.test(line) || /^On .{5,200} wrote:\s*$/.test(line)) continue;
    lines.push(line);
  }
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** The reply the asker thanked, or else the first reply from someone else. */
export function resolvingReply(thread: Thread): Mail | undefined {
  const asker = thread.messages[0]!.fromAddress;
  const others = (i: number) => thread.messages.slice(1, i).filter((m) => m.fromAddress !== asker);
  for (let i = 1; i < thread.messages.length; i++) {
    const m = thread.messages[i]!;
    if (m.fromAddress === asker && THANKS.test(bodyOf(m))) {
      const before = others(i);
      if (before.length) return before.at(-1);
    }
  }
  return others(thread.messages.length)[0];
}

/** The lines of the question that quote an error, as written (prose asking about it is left out). */
function errorLines(question: string): string {
  const prose = (l: string) => /:$/.test(l) || /^(any|how|what|why|did|does|do|is|are|can|could|should|has|have)\b.*\?$/i.test(l);
  const lines = question.split('\n').map((l) => l.trim()).filter((l) => l && isErrorLine(l) && !prose(l));
  return [...new Set(lines)].slice(0, 10).join('\n').slice(0, 4096);
}

const quote = (text: string) => text.split('\n').map((l) => `> ${l}`).join('\n');

export function draftFromThread(thread: Thread): DraftInput {
  const q = thread.messages[0]!;
  const question = bodyOf(q);
  const reply = resolvingReply(thread);
  const errors = errorLines(question);
  const title = cleanSubject(q.subject).slice(0, 200);
  const source = q.archiveUrl ?? `mbox:${thread.rootId}`;
  return {
    title: title.length >= 5 ? title : (errors.split('\n')[0] ?? 'Mailing-list question').slice(0, 200),
    errorText: errors,
    cause: `_The question from the mailing list; rewrite this as the cause._\n\n${quote(question.slice(0, 3000))}`,
    fix: reply ? bodyOf(reply).slice(0, 12_000) : '',
    sources: [source],
    tags: ['mailing-list'],
    origin: `Mailing list: asked by ${q.from} on ${q.date.toISOString().slice(0, 10)}${reply ? `, answered by ${reply.from}` : ''} (${thread.messages.length} messages)`,
    importKey: `mbox:${thread.rootId}`,
  };
}

export interface ImportResult {
  created: string[];
  /** Threads already imported earlier. */
  skipped: number;
  /** Threads that are not answered install questions. */
  ignored: number;
  /** Messages that could not be read and threads that could not become drafts; the rest was imported. */
  failed: { message: string; reason: string }[];
}

/** Why something failed, in one line: a validation error names its fields. */
function reasonOf(err: unknown): string {
  if (err instanceof AppError && err.details) return Object.entries(err.details).map(([field, why]) => `${field}: ${why}`).join('; ');
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
}

/**
 * Turns the install-question threads of an mbox into drafts; a thread imported before is skipped. One
 * archive holds thousands of messages from strangers: a message that cannot be read, or a thread that
 * cannot become a draft, is reported in `failed` and the rest is imported.
 */
export async function importMbox(
  raw: string,
  deps: { exists: (importKey: string) => boolean; createDraft: (d: DraftInput) => Promise<{ id: string }> },
): Promise<ImportResult> {
  const result: ImportResult = { created: [], skipped: 0, ignored: 0, failed: [] };
  const mails: Mail[] = [];
  const messages = splitMbox(raw);
  for (let i = 0; i < messages.length; i++) {
    try {
      mails.push(await parseMessage(messages[i]!));
    } catch (err) {
      result.failed.push({ message: `message ${i + 1} of ${messages.length} ${describeRawMessage(messages[i]!)}`, reason: reasonOf(err) });
    }
  }
  for (const thread of threadMails(mails)) {
    try {
      if (!isInstallQuestion(thread)) {
        result.ignored += 1;
        continue;
      }
      const draft = draftFromThread(thread);
      if (deps.exists(draft.importKey!)) {
        result.skipped += 1;
        continue;
      }
      result.created.push((await deps.createDraft(draft)).id);
    } catch (err) {
      const q = thread.messages[0]!;
      result.failed.push({ message: `thread ${thread.rootId} "${cleanSubject(q.subject).slice(0, 120)}"`, reason: reasonOf(err) });
    }
  }
  return result;
}
