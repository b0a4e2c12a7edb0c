import { createHash } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { lazy } from '../lib/lazy.ts';
import type { NetworkAllowList } from '../lib/networks.ts';
import type { LabInput } from './labs-types.ts';

const ssh2 = lazy<typeof import('ssh2')>('ssh2');

/** What Onramp keeps of a command's output: the end, where its verdict is (the checkpoint reads the last 16 KB). */
export const OUTPUT_KEEP = 64 * 1024;
/** Past this much output the connection is closed: no checkpoint command prints that much. */
export const OUTPUT_STOP = 1024 * 1024;

/** Where to connect and how to log in; a `hostKey` is the pinned fingerprint (SHA256:…): without one, the key the lab shows is accepted and returned to be pinned. */
export type LabTarget = Pick<LabInput, 'host' | 'port' | 'username' | 'password' | 'privateKey' | 'hostKey'>;

export type LabFailure = 'not-allowed' | 'no-address' | 'refused' | 'unreachable' | 'timeout' | 'auth' | 'host-key' | 'failed';

export type LabRun =
  | { ok: true; output: string; exitCode: number | null; hostKey: string; truncated: boolean; ms: number }
  | { ok: false; failure: LabFailure; message: string; hostKey?: string; ms: number };

/** The fingerprint OpenSSH prints for a key (`ssh-keygen -l`): SHA256 of the key blob, base64 without padding. */
export const fingerprint = (keyBlob: Buffer) => `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;

/**
 * How a checkpoint's command is run: in a login shell, as when the participant logs in, so that what
 * their profile sets (on StarlingX, KUBECONFIG for kubectl) is set here too. The command comes from
 * the workshop's content, never from a request; it is quoted as one argument of bash -lc.
 */
export const loginShell = (command: string) => `bash -lc '${command.replace(/'/g, `'\\''`)}'`;

/**
 * Where to connect: the name resolved, and an address inside the allowed networks. The address, not
 * the name, is checked and then used, so a name that resolves elsewhere on the next lookup changes nothing.
 */
export async function resolveAllowed(host: string, allow: NetworkAllowList, timeoutMs = 5000): Promise<{ address: string } | { failure: LabFailure; message: string }> {
  const outside = (what: string) => ({
    failure: 'not-allowed' as const,
    message: allow.empty
      ? 'This server connects to no lab: an admin lists the lab networks in LAB_NETWORKS first.'
      : `${what} is outside the networks this server may connect to (LAB_NETWORKS), so Onramp did not connect.`,
  });
  if (allow.empty) return outside(host);
  if (isIP(host)) return allow.allows(host) ? { address: host } : outside(`The address ${host}`);
  let addresses: { address: string }[];
  let timer: NodeJS.Timeout | undefined;
  try {
    // A resolver that does not answer must not hold the check past its limit.
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('late')), timeoutMs)));
    addresses = await Promise.race([lookup(host, { all: true, verbatim: true }), late]);
  } catch (err) {
    const slow = (err as Error).message === 'late';
    return slow
      ? { failure: 'timeout', message: `The name ${host} did not resolve within ${Math.round(timeoutMs / 100) / 10} seconds.` }
      : { failure: 'no-address', message: `The name ${host} does not resolve to an address.` };
  } finally {
    clearTimeout(timer);
  }
  const inside = addresses.find((a) => allow.allows(a.address));
  return inside ? { address: inside.address } : outside(`${host} (${addresses.map((a) => a.address).join(', ')})`);
}

/**
 * Runs one command on a lab over SSH and gives back its output (stdout and stderr as they arrived,
 * the last OUTPUT_KEEP bytes), or what went wrong in a sentence a participant can act on. Everything,
 * from the TCP connection to the command's end, happens within `timeoutMs`. Without a command it only
 * logs in and out (a host testing the pool): nothing runs on the lab.
 */
export async function runOnLab(target: LabTarget, command: string | undefined, o: { allow: NetworkAllowList; timeoutMs: number }): Promise<LabRun> {
  const started = Date.now();
  const where = `${target.host} port ${target.port}`;
  const resolved = await resolveAllowed(target.host, o.allow, o.timeoutMs);
  if ('failure' in resolved) return { ok: false, ...resolved, ms: Date.now() - started };
  const left = Math.max(1, o.timeoutMs - (Date.now() - started));

  return new Promise<LabRun>((resolve) => {
    const conn = new (ssh2().Client)();
    let seenKey: string | undefined;
    let keyRefused = false;
    let done = false;
    const chunks: Buffer[] = [];
    let kept = 0;
    let total = 0;
    let truncated = false;
    let ran = false;
    let code: number | null = null;

    const finish = (r: LabRun extends infer R ? (R extends LabRun ? Omit<R, 'ms'> : never) : never) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      conn.removeAllListeners('ready');
      conn.on('error', () => {});
      conn.destroy();
      resolve({ ...r, ms: Date.now() - started } as LabRun);
    };
    const fail = (failure: LabFailure, message: string) => finish({ ok: false, failure, message, ...(seenKey ? { hostKey: seenKey } : {}) });
    const seconds = Math.round(o.timeoutMs / 100) / 10;
    const deadline = setTimeout(
      () => fail('timeout', seenKey ? `The lab at ${where} did not finish within ${seconds} seconds.` : `The lab at ${where} did not answer within ${seconds} seconds (a firewall, a stopped machine, or not an SSH server).`),
      left,
    );

    const keep = (d: Buffer) => {
      total += d.length;
      chunks.push(d);
      kept += d.length;
      while (kept - chunks[0]!.length >= OUTPUT_KEEP) kept -= chunks.shift()!.length;
      if (total > OUTPUT_KEEP) truncated = true;
      if (total > OUTPUT_STOP) output(null);
    };
    const output = (exitCode: number | null) => {
      let text = Buffer.concat(chunks).subarray(-OUTPUT_KEEP).toString('utf8');
      if (truncated) text = text.replace(/^[^\n]*\n/, '');
      finish({ ok: true, output: text, exitCode, hostKey: seenKey!, truncated });
    };

    conn.on('ready', () => {
      if (command === undefined) return finish({ ok: true, output: '', exitCode: null, hostKey: seenKey!, truncated: false });
      conn.exec(loginShell(command), (err, stream) => {
        if (err) return fail('failed', `The lab at ${where} accepted the login but refused to run a command (${err.message}).`);
        ran = true;
        stream.on('data', keep);
        stream.stderr.on('data', keep);
        stream.on('exit', (c: number | null) => (code = typeof c === 'number' ? c : null));
        stream.on('close', () => output(code));
      });
    });
    conn.on('error', (err: Error & { level?: string; code?: string }) => {
      if (keyRefused) {
        return fail('host-key', `The lab at ${where} answered with a different host key (${seenKey}) from the one pinned for it (${target.hostKey}). Onramp did not log in. If the lab was rebuilt, the host forgets the old key on the labs page; otherwise someone may be in between.`);
      }
      if (err.level === 'client-authentication') return fail('auth', `The lab at ${where} refused the login for ${target.username} (wrong ${target.privateKey ? 'key' : 'password'}, or that user may not log in over SSH).`);
      if (err.level === 'client-timeout') return fail('timeout', `The lab at ${where} did not answer within ${seconds} seconds (a firewall, a stopped machine, or not an SSH server).`);
      if (err.code === 'ECONNREFUSED') return fail('refused', `Nothing accepts SSH connections at ${where}: the connection was refused (is sshd running, and is the port right?).`);
      if (err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH' || err.code === 'ETIMEDOUT') return fail('unreachable', `The lab at ${where} cannot be reached from this server (${err.code}).`);
      if (err.code === 'ECONNRESET' || /before handshake|Connection lost/i.test(err.message)) {
        return fail('failed', `The lab at ${where} closed the connection before SSH could start (is it an SSH server?).`);
      }
      return fail('failed', `The SSH connection to ${where} failed: ${err.message}.`);
    });
    conn.on('close', () => (ran ? output(code) : fail('failed', `The lab at ${where} closed the connection.`)));

    try {
      conn.connect({
        host: resolved.address,
        port: target.port,
        username: target.username,
        ...(target.privateKey ? { privateKey: target.privateKey } : { password: target.password }),
        readyTimeout: left,
        keepaliveInterval: 0,
        tryKeyboard: false,
        agent: undefined,
        hostVerifier: (key: Buffer) => {
          seenKey = fingerprint(key);
          keyRefused = !!target.hostKey && target.hostKey !== seenKey;
          return !keyRefused;
        },
      });
    } catch (err) {
      fail('failed', `Onramp could not start an SSH connection to ${where}: ${(err as Error).message}.`);
    }
  });
}
