import { describe, it, expect } from 'vitest';
import ssh2 from 'ssh2';
import { loadConfig } from '../../src/config.ts';
import { networkAllowList, parseNetworks } from '../../src/lib/networks.ts';
import { createSecretBox, LabKeyError } from '../../src/labs/lab-crypto.ts';
import { readCsv } from '../../src/labs/lab-csv.ts';
import { labsFromCsv } from '../../src/labs/labs-schemas.ts';
import { loginShell, resolveAllowed } from '../../src/labs/lab-ssh.ts';
import { whyNotCheckable } from '../../src/labs/lab-checks.ts';

const KEY_A = 'a'.repeat(40);
const KEY_B = 'b'.repeat(40);

describe('lab networks (LAB_NETWORKS)', () => {
  it('when nothing is listed, then no address is allowed, loopback included', () => {
    const allow = networkAllowList(parseNetworks(''));
    expect(allow.empty).toBe(true);
    expect(allow.allows('127.0.0.1')).toBe(false);
    expect(allow.allows('10.10.10.2')).toBe(false);
  });

  it('when networks are listed, then only their addresses are allowed, also written as IPv4-mapped IPv6; 0.0.0.0 and :: never', () => {
    const allow = networkAllowList(parseNetworks('10.20.0.0/16, 127.0.0.1, fd00:1ab::/48, 0.0.0.0/0'));
    expect(allow.allows('10.20.3.4')).toBe(true);
    expect(allow.allows('::ffff:10.20.3.4')).toBe(true);
    expect(allow.allows('127.0.0.1')).toBe(true);
    expect(allow.allows('fd00:1ab:0:1::5')).toBe(true);
    expect(allow.allows('fd00:1ac::5')).toBe(false);
    expect(allow.allows('0.0.0.0')).toBe(false);
    expect(allow.allows('::')).toBe(false);
    expect(allow.allows('lab.example.org')).toBe(false);
  });

  it('when a name is given, then its resolved address is judged, not the name', async () => {
    const onlyLabs = networkAllowList(parseNetworks('10.0.0.0/8'));
    const refused = await resolveAllowed('localhost', onlyLabs);
    expect(refused).toMatchObject({ failure: 'not-allowed' });
    expect((refused as { message: string }).message).toMatch(/localhost \(.*127\.0\.0\.1.*\) is outside the networks/);
    expect(await resolveAllowed('localhost', networkAllowList(parseNetworks('127.0.0.0/8, ::1')))).toMatchObject({ address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/) });
  });

  it('when LAB_NETWORKS cannot be read, or is set without LAB_SECRET, then the configuration says which', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', DATA_DIR: '/tmp/x', SESSION_SECRET: KEY_A, LAB_NETWORKS: '10.0.0.0/33' })).toThrow(/LAB_NETWORKS: "10.0.0.0\/33" has a prefix outside 0–32/);
    expect(() => loadConfig({ NODE_ENV: 'test', DATA_DIR: '/tmp/x', SESSION_SECRET: KEY_A, LAB_NETWORKS: 'lab.example.org' })).toThrow(/is not a network/);
    expect(() => loadConfig({ NODE_ENV: 'test', DATA_DIR: '/tmp/x', SESSION_SECRET: KEY_A, LAB_NETWORKS: '10.0.0.0/8' })).toThrow(/LAB_SECRET: is required when LAB_NETWORKS is set/);
    const c = loadConfig({ NODE_ENV: 'test', DATA_DIR: '/tmp/x', SESSION_SECRET: KEY_A, LAB_NETWORKS: '10.0.0.0/8', LAB_SECRET: KEY_B, LAB_TIMEOUT_SECONDS: '3' });
    expect(c.labs).toMatchObject({ secret: KEY_B, networks: [{ address: '10.0.0.0', prefix: 8, family: 'ipv4' }], timeoutMs: 3000 });
  });
});

describe('lab secrets at rest', () => {
  it('when a secret is sealed, then the record holds no clear text and opens only for the lab it was sealed for', () => {
    const box = createSecretBox(KEY_A);
    const sealed = box.seal('Li69nux*-lab-01', 'lab:s~1');
    expect(JSON.stringify(sealed)).not.toContain('Li69nux');
    expect(box.open(sealed, 'lab:s~1')).toBe('Li69nux*-lab-01');
    expect(() => box.open(sealed, 'lab:s~2')).toThrow(LabKeyError);
    expect(() => box.open({ ...sealed, data: Buffer.from('tampered').toString('base64') }, 'lab:s~1')).toThrow(LabKeyError);
  });

  it('when the key is rotated, then the previous key still opens old records until they are sealed again, and a wrong key says what to do', () => {
    const old = createSecretBox(KEY_A).seal('pw', 'lab:s~1');
    const rotating = createSecretBox(KEY_B, KEY_A);
    expect(rotating.open(old, 'lab:s~1')).toBe('pw');
    expect(rotating.isCurrent(old)).toBe(false);
    expect(rotating.isCurrent(rotating.seal('pw', 'lab:s~1'))).toBe(true);
    expect(() => createSecretBox(KEY_B).check(old)).toThrow(/Set LAB_SECRET_PREVIOUS .* then run npm run labs:rekey/);
    expect(() => createSecretBox(undefined).check(old)).toThrow(/LAB_SECRET is not set/);
    expect(() => createSecretBox(undefined).seal('pw', 'x')).toThrow(/Labs are off/);
  });
});

describe('the pool CSV', () => {
  it('when fields are quoted, then commas, doubled quotes and line breaks stay in the field; blank lines and CRLF are fine', () => {
    const rows = readCsv('\ufeffa,b,c\r\n"x, y","say ""hi""","line1\nline2"\r\n\r\nlast,,\n');
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b', 'c'] },
      { line: 2, cells: ['x, y', 'say "hi"', 'line1\nline2'] },
      { line: 5, cells: ['last', '', ''] },
    ]);
  });

  it('when a quote is unclosed or stray, then the line is named', () => {
    expect(() => readCsv('a,b\n"open,b\nmore')).toThrow(/line 2: a quoted field is not closed/);
    expect(() => readCsv('a,b\nx"y,b')).toThrow(/line 2: a double quote inside a field/);
    expect(() => readCsv('a,b\n"x"y,b')).toThrow(/line 2: text after the closing quote/);
  });

  it('when a pool is read, then passwords and multi-line keys become labs, and every wrong row is named with its line and column', () => {
    const key = ssh2.utils.generateKeyPairSync('ed25519').private;
    const good = labsFromCsv(`name,address,port,username,password,private_key,notes\nlab-01,10.10.10.2,,sysadmin,pw1,,rack 1\nlab-02,lab2.example.org,2222,sysadmin,,"${key}",\n`);
    expect(good.problems).toEqual([]);
    expect(good.labs).toEqual([
      { name: 'lab-01', host: '10.10.10.2', port: 22, username: 'sysadmin', password: 'pw1', notes: 'rack 1' },
      { name: 'lab-02', host: 'lab2.example.org', port: 2222, username: 'sysadmin', privateKey: key.trim() + '\n' },
    ]);
    const bad = labsFromCsv('name,address,port,username,password,private_key,console_url\nlab-01,10.0.0.1:22,70000,root user,,,javascript:alert(1)\nlab-02,10.0.0.2,22,sysadmin,pw,"not a key",\nlab-03,10.0.0.3\n');
    expect(bad.labs).toEqual([]);
    expect(bad.problems).toEqual([
      'line 2, address: Give a host name or an IP address (without a port).',
      'line 2, port: Ports go from 1 to 65535.',
      'line 2, username: Give a login name (letters, digits, . _ -).',
      'line 2, console_url: Give an http:// or https:// address.',
      'line 2, password: Give a password or a private key.',
      'line 3, private_key: This is not a private key Onramp can read (OpenSSH or PEM format).',
      'line 3, password: Give a password or a private key, not both.',
      'line 4: 2 fields where the header has 7',
    ]);
    expect(labsFromCsv('name,address,user\n').problems).toEqual(['line 1: unknown column(s) user; the columns are name, address, port, username, password, private_key, host_key, console_url, notes', 'line 1: missing column(s) username']);
  });

  it('when a lab has neither or both secrets, or a key with a passphrase, then it is refused', () => {
    const locked = ssh2.utils.generateKeyPairSync('ed25519', { passphrase: 'p', cipher: 'aes256-ctr', rounds: 4 }).private;
    const r = labsFromCsv(`name,address,username,password,private_key\na,10.0.0.1,u,,\nb,10.0.0.2,u,pw,"${locked}"\nc,10.0.0.3,u,,"${locked}"\n`);
    // Row b's key spans its lines and ends with a line break before the closing quote; row c follows.
    const c = 3 + locked.trim().split('\n').length + 1;
    expect(r.problems).toEqual([
      'line 2, password: Give a password or a private key.',
      'line 3, private_key: This key is protected by a passphrase. Give a key without one, made for this workshop.',
      'line 3, password: Give a password or a private key, not both.',
      `line ${c}, private_key: This key is protected by a passphrase. Give a key without one, made for this workshop.`,
    ]);
  });
});

describe('what Check my lab runs', () => {
  it('when a command is wrapped for the login shell, then quotes inside stay one argument', () => {
    expect(loginShell('source /etc/platform/openrc; system host-list')).toBe("bash -lc 'source /etc/platform/openrc; system host-list'");
    expect(loginShell("curl -s --noproxy '*' http://x")).toBe(`bash -lc 'curl -s --noproxy '\\''*'\\'' http://x'`);
  });

  it('when a checkpoint has no command, needs sudo, or no network is allowed, then it says why it cannot be run', () => {
    const allow = networkAllowList(parseNetworks('10.0.0.0/8'));
    expect(whyNotCheckable('system host-list', allow)).toBeUndefined();
    expect(whyNotCheckable(undefined, allow)).toMatch(/names no command/);
    expect(whyNotCheckable('ip -br a; sudo virsh list --all', allow)).toMatch(/needs sudo/);
    expect(whyNotCheckable('system host-list', networkAllowList([]))).toMatch(/LAB_NETWORKS is empty/);
  });
});
