import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { loadConfig } from '../config.ts';
import { Password, Username } from '../auth/auth-schemas.ts';
import { createUsersRepository } from '../auth/users-repository.ts';
import { createAuthService } from '../auth/auth-service.ts';
import { createTokensRepository } from '../auth/tokens-repository.ts';
import { createPasswordResetsRepository } from '../auth/password-resets-repository.ts';
import { CliError, openStoreForCli, parseArgs, runCli } from './cli-store.ts';

const USAGE = 'Usage: npm run create-admin -- --username NAME [--password PASSWORD]\n' +
  '(without --password, the password is read from standard input)';

/** Reads the password: prompted without echo on a terminal, else the first line of standard input. */
async function readPassword(stdin: NodeJS.ReadableStream & { isTTY?: boolean }): Promise<string> {
  if (stdin.isTTY) {
    let muted = false;
    const output = new Writable({ write: (chunk, _enc, done) => { if (!muted) process.stderr.write(chunk); done(); } });
    const rl = createInterface({ input: stdin, output, terminal: true });
    const answer = new Promise<string>((resolve) => rl.question('Password: ', resolve));
    muted = true;
    const pw = await answer;
    rl.close();
    process.stderr.write('\n');
    return pw;
  }
  let data = '';
  for await (const chunk of stdin) {
    data += chunk.toString();
    if (data.length > 4096 || data.includes('\n')) break;
  }
  return data.split(/\r?\n/)[0] ?? '';
}

/**
 * Where the address above comes from: this command reads the same settings as the server, and a server
 * started with another PORT or behind a proxy is elsewhere unless BASE_URL (or HOST and PORT) are the same here.
 */
export function signInNote(env: NodeJS.ProcessEnv): string {
  const from = env.BASE_URL ? 'BASE_URL' : `HOST and PORT (${env.HOST ?? '127.0.0.1'}:${env.PORT ?? '3000'}, the defaults unless set)`;
  return `(This address comes from ${from}. If the server runs with another BASE_URL or PORT, run this command with the same settings, or sign in at the server's own address.)`;
}

/**
 * `npm run create-admin -- --username NAME`: creates the account as an admin, or makes an existing
 * account an admin (its password changes only when one is given with --password). Its sessions end.
 */
export async function createAdmin(argv: string[], env: NodeJS.ProcessEnv = process.env, stdin: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin): Promise<number> {
  const { options } = parseArgs(argv);
  const username = options.get('username');
  if (typeof username !== 'string') throw new CliError(USAGE, 2);
  const name = Username.safeParse(username);
  if (!name.success) throw new CliError(`--username: ${name.error.issues[0]!.message}`, 2);
  const given = options.get('password');
  const config = loadConfig(env);
  const store = await openStoreForCli(config);
  try {
    const users = createUsersRepository(store);
    const auth = createAuthService({ resets: createPasswordResetsRepository(store), users, tokens: createTokensRepository(store) });
    const existing = users.byUsername(username);
    if (existing) {
      // A new password ends every session and revokes every access token of the account.
      if (typeof given === 'string') {
        const pw = Password.safeParse(given);
        if (!pw.success) throw new CliError(`--password: ${pw.error.issues[0]!.message}`, 2);
        await auth.setPasswordFromCli(existing.id, pw.data);
      }
      await auth.setRole(existing.id, 'admin');
      console.log(`${existing.username} is now an admin${typeof given === 'string' ? ', with the new password (their sessions and access tokens were ended)' : ''}.`);
      return 0;
    }
    const raw = typeof given === 'string' ? given : await readPassword(stdin);
    const pw = Password.safeParse(raw);
    if (!pw.success) throw new CliError(`Password: ${pw.error.issues[0]!.message}`, 2);
    const user = await auth.signup(username, pw.data);
    await users.change(user.id, (u) => ({ ...u, role: 'admin' }));
    console.log(`Created the admin account ${user.username}. Sign in at ${config.baseUrl}/login.`);
    console.log(signInNote(env));
    return 0;
  } finally {
    await store.close();
  }
}

if (process.argv[1]?.endsWith('create-admin.ts')) runCli(() => createAdmin(process.argv.slice(2)));
