// IP allow-list. The client address is the socket's peer, or — only when that peer is one of
// server.trustProxies — the nearest untrusted address in X-Forwarded-For (proxy-addr's rule, as
// Express uses it). An X-Forwarded-For from anyone else is ignored, so it cannot be forged.
import ipaddr from 'ipaddr.js';
import proxyaddr from 'proxy-addr';
import { HttpError } from '../http/errors.js';
import type { RequestFacts } from './guard.js';

export type ClientAddress = (req: RequestFacts) => string;

/** `trustProxies` entries: addresses, CIDR ranges, or proxy-addr's names `loopback`, `linklocal`, `uniquelocal`. */
export function clientAddressResolver(trustProxies: string[]): ClientAddress {
  const trust = proxyaddr.compile(trustProxies);
  return (req) => {
    const xff = req.headers['x-forwarded-for'];
    const fake = {
      socket: { remoteAddress: req.remoteAddress },
      headers: { 'x-forwarded-for': Array.isArray(xff) ? xff.join(', ') : xff },
    };
    return proxyaddr(fake as unknown as Parameters<typeof proxyaddr>[0], trust);
  };
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

function toRange(entry: string): Range {
  if (entry.includes('/')) return ipaddr.parseCIDR(entry);
  const a = ipaddr.parse(entry);
  return [a, a.kind() === 'ipv4' ? 32 : 128];
}

/** Parses an address, folding IPv4-mapped IPv6 (`::ffff:10.0.0.1`, how dual-stack sockets report IPv4) to IPv4. */
function parseAddress(addr: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (!ipaddr.isValid(addr)) return undefined;
  return ipaddr.process(addr);
}

export function createIpAllowList(source: string, allow: string[]): (addr: string) => void {
  const ranges = allow.map((e) => {
    const [a, bits] = toRange(e);
    // A range written as IPv4-mapped IPv6 means the IPv4 range.
    if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
      return [(a as ipaddr.IPv6).toIPv4Address(), bits - 96] as Range;
    }
    return [a, bits] as Range;
  });
  return (addr) => {
    const ip = parseAddress(addr);
    const ok = ip !== undefined && ranges.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
    if (!ok) throw new HttpError(403, `address ${addr || '(unknown)'} is not allowed to post to source '${source}'`);
  };
}
