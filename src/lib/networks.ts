import { BlockList, isIP } from 'node:net';

/** A network in CIDR notation, as an admin writes it (`10.20.0.0/16`, `fd00:lab::/48`, `127.0.0.1/32`). */
export interface Network {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/**
 * Reads a comma-separated list of networks (LAB_NETWORKS). An address without a prefix means that one
 * address. Throws with the entry that cannot be read, for the configuration's error message.
 */
export function parseNetworks(list: string): Network[] {
  const out: Network[] = [];
  for (const raw of list.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const [address = '', prefixText, extra] = entry.split('/');
    const version = isIP(address);
    if (!version || extra !== undefined) throw new Error(`"${entry}" is not a network (write it like 10.20.0.0/16)`);
    const max = version === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (!/^\d{1,3}$/.test(prefixText ?? String(max)) || prefix > max) throw new Error(`"${entry}" has a prefix outside 0–${max}`);
    out.push({ address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' });
  }
  return out;
}

/** Addresses that stand for "this machine" whatever the list says: connecting to them reaches the server itself. */
const UNSPECIFIED = new BlockList();
UNSPECIFIED.addSubnet('0.0.0.0', 8, 'ipv4');
UNSPECIFIED.addAddress('::', 'ipv6');

/** `::ffff:10.0.0.1` is 10.0.0.1: judge it as the IPv4 address it is. */
function plain(address: string): { address: string; family: 'ipv4' | 'ipv6' } | undefined {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return { address: mapped[1]!, family: 'ipv4' };
  const v = isIP(address);
  return v ? { address, family: v === 4 ? 'ipv4' : 'ipv6' } : undefined;
}

/**
 * Whether an address (never a name: resolve it first) lies inside the allowed networks. An empty list
 * allows nothing; the unspecified addresses (0.0.0.0/8, ::) are never allowed.
 */
export function networkAllowList(networks: readonly Network[]) {
  const allowed = new BlockList();
  for (const n of networks) allowed.addSubnet(n.address, n.prefix, n.family);
  return {
    empty: networks.length === 0,
    allows(address: string): boolean {
      const a = plain(address);
      if (!a || UNSPECIFIED.check(a.address, a.family)) return false;
      return allowed.check(a.address, a.family);
    },
  };
}

export type NetworkAllowList = ReturnType<typeof networkAllowList>;
