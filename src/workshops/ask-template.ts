import type { Step, Workshop } from '../content/content-loader.ts';
import type { Profile } from '../content/profile.ts';
import { VARIANT_DIMENSIONS } from '../lib/markdown.ts';

const BLANK = '<fill in>';
/** The end of a long paste is what matters: the question keeps its last lines. */
const ERROR_LINES = 30;
const ERROR_CHARS = 3000;

function tail(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').trimEnd().split('\n').slice(-ERROR_LINES).join('\n');
  return lines.length > ERROR_CHARS ? lines.slice(-ERROR_CHARS) : lines;
}

const indent = (text: string) => text.split('\n').map((l) => `    ${l}`).join('\n');

/**
 * A question for the mailing list or a meeting, with what helpers always ask for first: the release,
 * the configuration, where in the install, the failing command and its output, the state of the system
 * and the `collect` bundle. What Onramp knows is filled in; the rest is marked to fill in.
 */
export function questionTemplate(input: { workshop?: Workshop; step?: Step; profile: Profile; error?: string; baseUrl: string }): string {
  const { workshop, step, profile } = input;
  const deployment = profile.deployment ?? (workshop && workshop.deployment !== 'any' ? workshop.deployment : undefined);
  const configuration = [
    deployment ? VARIANT_DIMENSIONS.deployment[deployment] ?? deployment : BLANK,
    profile.platform ? `on ${VARIANT_DIMENSIONS.platform[profile.platform]}` : 'on <bare metal, libvirt/KVM or VirtualBox>',
  ].join(' ');
  const where = workshop && step
    ? `"${workshop.title}", step ${step.index + 1} "${step.title}" (install phase: ${step.phase})\n  ${input.baseUrl}/workshops/${workshop.slug}/steps/${step.id}`
    : BLANK;
  const subject = `[StarlingX ${workshop?.release ?? BLANK}${deployment ? `, ${VARIANT_DIMENSIONS.deployment[deployment] ?? deployment}` : ''}] ${step ? `${step.title}: ` : ''}<what fails, in a few words>`;
  return [
    `Subject: ${subject}`,
    '',
    'What I am installing',
    `- Release: StarlingX ${workshop?.release ?? BLANK}`,
    `- Configuration: ${configuration}`,
    `- Where I am: ${where}`,
    '',
    'The command that fails (copied, not retyped)',
    indent(BLANK),
    '',
    'What it printed (the last lines, copied)',
    indent(input.error?.trim() ? tail(input.error) : BLANK),
    '',
    'What I already tried',
    '- <fill in>',
    '',
    'State of the system (source /etc/platform/openrc first)',
    indent('system host-list\nfm alarm-list\nsystem application-list\n<paste their output>'),
    '',
    'Logs',
    '- I ran `collect` as sysadmin; the bundle is /scratch/<host>_<date>.<time>.tar and I can share it.',
    '- Passwords and keys in what I pasted are replaced with ***.',
  ].join('\n');
}
