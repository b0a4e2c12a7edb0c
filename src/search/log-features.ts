/**
 * Paste-your-error, part one: what identifies a failure in a pasted log. Pure and bounded: the input is
 * capped at 64 KB, every pattern is linear, and the result is capped, so no paste can stall the server.
 *
 * Anyone can paste, and these patterns run on V8's backtracking engine, so each one keeps to rules that
 * make it linear (test/unit/search-log-features.test.ts feeds it 64 KB of hostile input to prove it):
 * whitespace is collapsed to single spaces first, so no pattern needs `\s*` (two of them side by side,
 * or one beside an optional separator, backtrack quadratically over a run of spaces or newlines); no
 * pattern spans lines or uses `^` with the `m` flag (line-start patterns run on one line at a time);
 * repetition is bounded (`{1,40}`) wherever two quantified parts could match the same characters.
 */
export const LOG_INPUT_MAX = 64 * 1024;
/** What a search accepts as pasted (a whole scrollback); its last LOG_INPUT_MAX are read. */
export const PASTE_INPUT_MAX = 256 * 1024;

/**
 * The part of a paste that is read: all of it, or its last LOG_INPUT_MAX characters from a line start,
 * since a failing command prints its verdict last and a scrollback's oldest lines matter least.
 */
export function tailOf(input: string, max = LOG_INPUT_MAX): string {
  if (input.length <= max) return input;
  const tail = input.slice(-max);
  const nl = tail.indexOf('\n');
  return nl >= 0 && nl < tail.length - 1 ? tail.slice(nl + 1) : tail;
}
const MAX_LINES = 40;
const MAX_LINE = 300;
const MAX_TERMS = 48;

export interface LogFeatures {
  /** The paste with noise removed (timestamps, addresses, ids, colours), one line per line. */
  text: string;
  /** Lines that say something went wrong, deduplicated, in order. */
  errorLines: string[];
  /** StarlingX alarm ids such as 200.001. */
  alarmIds: string[];
  /** Ansible tasks that were running when a `fatal:` line appeared. */
  failedTasks: string[];
  /** `failed=N` counts above zero from a PLAY RECAP. */
  failedCounts: number[];
  exitCodes: number[];
  /** Commands the log shows being run or missing. */
  commands: string[];
  /** Words for the full-text search, most telling first. */
  terms: string[];
  /** True when the paste looks like a log rather than a few typed words. */
  isLog: boolean;
}

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[@-Z\\-_]/g;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
/** Every run of whitespace but newlines (tabs, U+00A0, U+2003, U+3000...) becomes one space. */
const SPACES = /[^\S\n]+/g;
/** A kernel timestamp at the start of a line: `[   12.345678]`. */
const DMESG = /^ ?\[ ?\d{1,10}\.\d{1,9}\]/;
const NOISE: [RegExp, string][] = [
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?/g, ' '],
  [/\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? /g, ' '],
  [/\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}\d{1,2} \d{2}:\d{2}:\d{2}(?: \d{4})?/g, ' '],
  [/\b\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?\b/g, ' '],
  [/\bp=\d{1,10} u=[\w.-]{1,64}(?: n=[\w.-]{1,64})? \|/g, ' '],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, ' '],
  [/\b(?:[0-9a-f]{2}:){5}[0-9a-f]{2}\b/gi, ' '],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?(?::\d{1,5})?\b/g, ' '],
  [/\b(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{1,4}\b/gi, ' '],
  [/\b0x[0-9a-f]+\b/gi, ' '],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{12,}\b/gi, ' '],
];

const ERROR_WORDS =
  /\b(?:errors?|fail(?:s|ed|ure|ing)?|fatal|refused|denied|time[d ]?out|timeout|unreachable|cannot|can ?not|can't|could not|unable|not found|no such|exception|traceback|panic|invalid|unauthorized|forbidden|crashloopbackoff|imagepullbackoff|errimagepull)\b/i;
const ALARM = /\b\d{3}\.\d{3}\b/g;
const TASK = /\bTASK \[([^\]]{1,200})\]/;
const FATAL = /\b(?:fatal|failed): ?\[[^\]]{0,200}\]/i;
const FAILED_COUNT = /\bfailed=(\d{1,6})\b/g;
// The text these run on has single spaces and no leading blanks (denoise), hence " ?" rather than "\s*".
const EXIT_CODE = /\b(?:exit(?:ed)?(?: with)?(?: code| status)?|return(?:ed)? code|rc)["']? ?[:=]? ?(-?\d{1,3})\b/gi;
const PROMPT = /^(?:[\w.-]{1,64}@[\w.-]{1,64}[^$#\n]{0,40}|[\w.-]{1,64}:[~/][^$#\n]{0,60}|\[[^\]\n]{1,60}\])? ?[$#] (?:sudo )?([a-z][\w.-]{1,40})/i;
const NOT_FOUND_CMD = /\b([a-z][\w.-]{1,40}): command not found\b/i;
const KNOWN_COMMANDS = new Set([
  'system', 'kubectl', 'ansible-playbook', 'helm', 'fm', 'ceph', 'virsh', 'virt-install', 'docker', 'crictl',
  'openstack', 'sw-patch', 'software', 'sw-manager', 'dcmanager', 'source', 'ping', 'curl', 'ssh', 'sudo',
  'vboxmanage', 'minikube', 'systemctl', 'journalctl', 'podman', 'wget', 'nslookup', 'dig',
]);
const STOP = new Set([
  'the', 'a', 'an', 'and', 'or', 'of', 'to', 'in', 'on', 'for', 'is', 'are', 'was', 'were', 'be', 'it', 'this',
  'that', 'with', 'as', 'at', 'by', 'from', 'not', 'no', 'but', 'if', 'then', 'so', 'msg', 'changed', 'ok',
  'true', 'false', 'null', 'none', 'localhost', 'task', 'play', 'recap', 'stdout', 'stderr', 'rc', 'cmd',
]);

/** Removes what differs between two occurrences of the same failure: times, addresses, ids, colours. */
export function denoise(input: string): string {
  let text = tailOf(input).replace(/\r\n?/g, '\n').replace(ANSI, '').replace(CONTROL, ' ').replace(SPACES, ' ');
  text = text
    .split('\n')
    .map((l) => l.replace(DMESG, ' '))
    .join('\n');
  for (const [re, by] of NOISE) text = text.replace(re, by);
  return text
    .split('\n')
    .map((l) => l.replace(/ {2,}/g, ' ').trim())
    .join('\n');
}

/** Whether a line of a log says that something went wrong. */
export const isErrorLine = (line: string) => ERROR_WORDS.test(line);

const uniq = <T>(xs: T[]) => [...new Set(xs)];

function wordsOf(line: string): string[] {
  return (line.toLowerCase().match(/[a-z][a-z0-9_-]{1,40}|\d{3}\.\d{3}/g) ?? []).filter((w) => !STOP.has(w));
}

/** Lines that frame a failure rather than say what it is: a task's header, Ansible's retries. */
const FRAME_LINE = /^(?:TASK \[|PLAY \[|PLAY RECAP|FAILED - RETRYING:|[\w.-]{1,64} ?: ok=\d)/;
/** Where a failure block ends: the next task, play or recap, or a blank line. */
const BLOCK_END = /^(?:TASK \[|PLAY \[|PLAY RECAP|RUNNING HANDLER)/;
const MAX_BLOCK = 40;

/**
 * The lines that say what failed, in order: what follows a `fatal:`/`failed:` line (Ansible prints the
 * message, stderr and stdout there, over several lines, often without any error word), up to the next
 * task or a blank line.
 */
function failureBlocks(text: string): string[] {
  const out: string[] = [];
  let inBlock = 0;
  for (const line of text.split('\n')) {
    if (FATAL.test(line)) inBlock = MAX_BLOCK;
    else if (inBlock > 0 && (line === '' || BLOCK_END.test(line))) inBlock = 0;
    if (inBlock > 0 && line !== '') {
      out.push(line.slice(0, MAX_LINE));
      inBlock -= 1;
    }
  }
  return uniq(out);
}

export function extractLogFeatures(input: string): LogFeatures {
  const text = denoise(input);
  const lines = uniq(text.split('\n').filter((l) => l.length > 0));
  const errorLines: string[] = failureBlocks(text).slice(0, MAX_LINES);
  const failedTasks: string[] = [];
  const commands: string[] = [];
  let task: string | undefined;
  for (const line of lines) {
    const short = line.slice(0, MAX_LINE);
    const t = TASK.exec(line);
    if (t) task = t[1]!.trim();
    if (FATAL.test(line) && task && !failedTasks.includes(task)) failedTasks.push(task);
    if ((ERROR_WORDS.test(line) || /\b\d{3}\.\d{3}\b/.test(line)) && !FRAME_LINE.test(line) && errorLines.length < MAX_LINES && !errorLines.includes(short)) errorLines.push(short);
    const cmd = PROMPT.exec(line)?.[1] ?? NOT_FOUND_CMD.exec(line)?.[1];
    if (cmd && !commands.includes(cmd.toLowerCase())) commands.push(cmd.toLowerCase());
  }
  for (const w of wordsOf(text)) if (KNOWN_COMMANDS.has(w) && !commands.includes(w) && commands.length < 12) commands.push(w);
  const alarmIds = uniq(text.match(ALARM) ?? []).slice(0, 20);
  const failedCounts = uniq([...text.matchAll(FAILED_COUNT)].map((m) => Number(m[1]))).filter((n) => n > 0);
  const exitCodes = uniq([...text.matchAll(EXIT_CODE)].map((m) => Number(m[1]))).filter((n) => n !== 0).slice(0, 10);

  // Most telling first: failed tasks and alarms, then the words of the error lines, then commands.
  const source = [...failedTasks, ...alarmIds, ...errorLines];
  const fallback = source.length === 0 ? lines.slice(-20) : [];
  const terms = uniq([...source, ...fallback].flatMap(wordsOf).concat(commands)).slice(0, MAX_TERMS);
  const isLog = input.includes('\n') || input.length > 160 || (errorLines.length > 0 && input.length > 60);
  return { text, errorLines, alarmIds, failedTasks, failedCounts, exitCodes, commands: commands.slice(0, 12), terms, isLog };
}

/**
 * A paste cut to what identifies its failure, short enough for an address (`/faq?q=…`): the failed
 * tasks, the lines that say what failed, the alarm rows. Searching it finds what the whole paste finds.
 */
export function reduceForAddress(input: string, max = 1500): string {
  if (input.length <= max) return input;
  const f = extractLogFeatures(input);
  const out: string[] = [];
  let size = 0;
  for (const line of [...f.failedTasks.map((t) => `TASK [${t}]`), ...f.errorLines]) {
    if (size + line.length + 1 > max) break;
    out.push(line);
    size += line.length + 1;
  }
  return out.length ? out.join('\n') : f.text.slice(-max);
}
