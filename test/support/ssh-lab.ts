import { createHash, timingSafeEqual } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import ssh2, { type Server } from 'ssh2';

/**
 * A real SSH server on 127.0.0.1 for the labs tests (the `ssh2` package's server, a host key made for
 * each run). Each account is one lab: it logs in with a password or a public key, and its `system`
 * and `kubectl` print what a StarlingX controller prints, as recorded from the CLI: an unlocked,
 * available controller-0, or a locked one.
 */
export interface LabAccount {
  username: string;
  password?: string;
  /** The public half of the key it accepts (OpenSSH format). */
  publicKey?: string;
  controller: 'unlocked' | 'locked';
}

export interface SshLab {
  port: number;
  /** The host key's fingerprint as `ssh-keygen -l` prints it. */
  fingerprint: string;
  /** TCP connections accepted, logins accepted, and the exec requests received (what Onramp asked to run). */
  seen: { connections: number; logins: number; commands: string[] };
  /** Restarts on the same port with a new host key, as a rebuilt machine would come back. */
  rebuild(): Promise<void>;
  close(): Promise<void>;
}

const BORDER = '+----+--------------+-------------+----------------+-------------+--------------+';
const HEAD = '| id | hostname     | personality | administrative | operational | availability |';
/** `system host-list` on an AIO simplex, StarlingX 9.0 (cgtsclient's prettytable). */
const HOST_LIST = {
  unlocked: [BORDER, HEAD, BORDER, '| 1  | controller-0 | controller  | unlocked       | enabled     | available    |', BORDER].join('\n') + '\n',
  locked: [BORDER, HEAD, BORDER, '| 1  | controller-0 | controller  | locked         | disabled    | online       |', BORDER].join('\n') + '\n',
};
const NODES = {
  unlocked: 'NAME           STATUS   ROLES           AGE   VERSION\ncontroller-0   Ready    control-plane   4h12m   v1.28.4\n',
  locked: 'NAME           STATUS     ROLES           AGE   VERSION\ncontroller-0   NotReady   control-plane   4h12m   v1.28.4\n',
};
const NO_CREDENTIALS = 'You must provide a username via either --os-username or via env[OS_USERNAME]\n';
const NO_KUBECONFIG = 'The connection to the server localhost:8080 was refused - did you specify the right host or port?\n';

/** `bash -lc '…'` as Onramp sends it: the script, and whether it runs in a login shell. */
function unwrap(command: string): { script: string; login: boolean } {
  const m = /^bash -lc '([\s\S]*)'$/.exec(command);
  return m ? { script: m[1]!.replace(/'\\''/g, "'"), login: true } : { script: command, login: false };
}

/** The few commands of the shipped checkpoints the tests run, with a shell's rules for credentials. */
function run(account: LabAccount, command: string): { out: string; err: string; code: number } {
  const { script, login } = unwrap(command);
  let credentials = false;
  let out = '';
  let err = '';
  let code = 0;
  for (const part of script.split(';').map((p) => p.trim()).filter(Boolean)) {
    if (part === 'source /etc/platform/openrc') credentials = true;
    else if (part === 'system host-list') {
      if (credentials) out += HOST_LIST[account.controller];
      else [err, code] = [err + NO_CREDENTIALS, 1];
    } else if (part === 'kubectl get nodes') {
      // KUBECONFIG comes from /etc/profile.d: only a login shell has it.
      if (login) out += NODES[account.controller];
      else [err, code] = [err + NO_KUBECONFIG, 1];
    } else [err, code] = [err + `bash: line 1: ${part.split(' ')[0]}: command not found\n`, 127];
  }
  return { out, err, code };
}

const same = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

export async function startSshLab(accounts: LabAccount[]): Promise<SshLab> {
  const seen = { connections: 0, logins: 0, commands: [] as string[] };
  let server: Server | undefined;
  let fingerprint = '';
  let port = 0;

  async function listen() {
    const host = ssh2.utils.generateKeyPairSync('ed25519');
    fingerprint = `SHA256:${createHash('sha256').update(Buffer.from(host.public.split(' ')[1]!, 'base64')).digest('base64').replace(/=+$/, '')}`;
    server = new ssh2.Server({ hostKeys: [host.private] }, (client) => {
      let account: LabAccount | undefined;
      client.on('authentication', (ctx) => {
        const a = accounts.find((x) => x.username === ctx.username);
        if (a && ctx.method === 'password' && a.password !== undefined && same(Buffer.from(ctx.password), Buffer.from(a.password))) {
          account = a;
          return ctx.accept();
        }
        if (a && ctx.method === 'publickey' && a.publicKey) {
          const allowed = ssh2.utils.parseKey(a.publicKey);
          if (!(allowed instanceof Error) && !Array.isArray(allowed) && ctx.key.algo === allowed.type && same(ctx.key.data, allowed.getPublicSSH())) {
            if (!ctx.signature) return ctx.accept();
            if (allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo)) {
              account = a;
              return ctx.accept();
            }
          }
        }
        ctx.reject(['password', 'publickey']);
      });
      client.on('ready', () => {
        seen.logins += 1;
        client.on('session', (accept) => {
          accept().on('exec', (acceptExec, _reject, info) => {
            seen.commands.push(info.command);
            const stream = acceptExec();
            const r = run(account!, info.command);
            if (r.out) stream.write(r.out);
            if (r.err) stream.stderr.write(r.err);
            stream.exit(r.code);
            stream.end();
          });
        });
      });
      client.on('error', () => {});
    });
    server.on('connection', () => (seen.connections += 1));
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', () => resolve()));
    port = (server.address() as AddressInfo).port;
  }

  const stop = () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await listen();
  return {
    get port() {
      return port;
    },
    get fingerprint() {
      return fingerprint;
    },
    seen,
    async rebuild() {
      await stop();
      await listen();
    },
    close: stop,
  };
}

/** A loopback port that accepts TCP connections and never says a word (a firewall that swallows, a wedged daemon). */
export async function silentPort(host = '127.0.0.1'): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let count = 0;
  const server = net.createServer((s) => {
    count += 1;
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port where nothing listens (connections are refused at once). */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}
