import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject } from 'mailparser';

export interface Mail {
  messageId: string;
  inReplyTo?: string;
  references: string[];
  subject: string;
  from: string;
  fromAddress: string;
  date: Date;
  text: string;
  /** An https address of the message in a list archive, when the headers give one. */
  archiveUrl?: string;
}

export interface Thread {
  /** Message-ID of the first message (or of the missing message everyone refers to). */
  rootId: string;
  messages: Mail[];
}

/**
 * Splits an mbox file into raw messages. A message starts at a "From " line at the top of the file or
 * after an empty line; ">From " lines in bodies are unescaped one level (mboxrd).
 */
export function splitMbox(raw: string): string[] {
  const out: string[] = [];
  let current: string[] | undefined;
  let prevEmpty = true;
  for (const line of raw.replace(/\r\n/g, '\n').split('\n')) {
    if (prevEmpty && line.startsWith('From ')) {
      if (current) out.push(current.join('\n'));
      current = [];
    } else if (current) {
      current.push(/^>+From /.test(line) ? line.slice(1) : line);
    }
    prevEmpty = line === '';
  }
  if (current) out.push(current.join('\n'));
  return out.filter((m) => m.trim().length > 0);
}

const ids = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? v.split(/\s+/) : []).map((s) => s.trim()).filter(Boolean);
const firstAddress = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a[0] : a)?.value[0];

export async function parseMessage(raw: string): Promise<Mail> {
  const m = await simpleParser(raw, { skipHtmlToText: false, skipImageLinks: true, skipTextToHtml: true });
  const from = firstAddress(m.from);
  const archived = m.headers.get('archived-at');
  const archiveUrl = typeof archived === 'string' ? /https:\/\/[^\s<>]+/.exec(archived)?.[0] : undefined;
  return {
    messageId: m.messageId ?? `<${createHash('sha256').update(raw).digest('hex').slice(0, 24)}@onramp.generated>`,
    inReplyTo: m.inReplyTo?.trim(),
    references: ids(m.references),
    subject: m.subject ?? '',
    from: from?.name || from?.address || 'unknown',
    fromAddress: (from?.address ?? '').toLowerCase(),
    date: m.date ?? new Date(0),
    text: (m.text ?? '').slice(0, 256 * 1024),
    archiveUrl,
  };
}

/**
 * Names a message that could not be parsed, from its raw headers: `<message-id> "subject"`. Reads at
 * most the first 8 KB, line by line, so a hostile header costs nothing.
 */
export function describeRawMessage(raw: string): string {
  const found: Record<string, string> = Object.create(null);
  for (const line of raw.slice(0, 8192).split('\n')) {
    if (line === '') break;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).toLowerCase() : '';
    if ((name === 'message-id' || name === 'subject') && !(name in found)) found[name] = line.slice(colon + 1).trim().slice(0, 120);
  }
  return [found['message-id'], found.subject !== undefined ? `"${found.subject}"` : undefined].filter(Boolean).join(' ') || '(no Message-ID or Subject)';
}

/** Every message of an mbox; throws on the first that cannot be parsed (importMbox skips those instead). */
export async function parseMbox(raw: string): Promise<Mail[]> {
  const out: Mail[] = [];
  for (const message of splitMbox(raw)) out.push(await parseMessage(message));
  return out;
}

/** "Re: [starlingx-discuss] Bootstrap fails" -> "Bootstrap fails". */
export function cleanSubject(subject: string): string {
  let s = subject.replace(/\s+/g, ' ').trim();
  for (let i = 0; i < 10; i++) {
    const next = s.replace(/^(?:(?:re|fwd?|aw|sv)(?:\[\d+\])?\s*:\s*|\[[^\]]{1,60}\]\s*)/i, '');
    if (next === s) break;
    s = next;
  }
  return s;
}

const isReply = (subject: string) => /^\s*(?:\[[^\]]{1,60}\]\s*)?(?:re|aw|sv)(?:\[\d+\])?\s*:/i.test(subject);

/**
 * Groups messages into threads by Message-ID, In-Reply-To and References; a reply whose parents are
 * all missing from the archive joins the thread with the same subject.
 */
export function threadMails(mails: Mail[]): Thread[] {
  const threads: Thread[] = [];
  const byId = new Map<string, Thread>();
  const bySubject = new Map<string, Thread>();
  const seen = new Set<string>();
  for (const m of [...mails].sort((a, b) => a.date.getTime() - b.date.getTime())) {
    // Lists and archives deliver some messages twice: the first copy counts.
    if (seen.has(m.messageId)) continue;
    seen.add(m.messageId);
    const parents = [m.inReplyTo, ...[...m.references].reverse()].filter((x): x is string => !!x);
    let thread = parents.map((p) => byId.get(p)).find(Boolean);
    const subjectKey = cleanSubject(m.subject).toLowerCase();
    if (!thread && isReply(m.subject)) thread = bySubject.get(subjectKey);
    if (!thread) {
      thread = { rootId: m.references[0] ?? m.inReplyTo ?? m.messageId, messages: [] };
      threads.push(thread);
      byId.set(thread.rootId, thread);
      if (subjectKey && !bySubject.has(subjectKey)) bySubject.set(subjectKey, thread);
    }
    thread.messages.push(m);
    byId.set(m.messageId, thread);
  }
  return threads;
}
