/**
 * Which addresses code may be fetched from (crusades.md §C.6 [PROJECT] step 3): only global ones.
 * IPv6 forms that embed an IPv4 address (IPv4-mapped, NAT64, 6to4) are judged by that address, so
 * `::ffff:127.0.0.1` or `2002:7f00:1::` cannot reach loopback.
 * @module
 */
import { isIPv4, isIPv6 } from "node:net";

/** IPv4 ranges code is never fetched from (§C.6 step 3). */
export const BLOCKED_IPV4_RANGES: readonly string[] = [
  "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
  "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
  "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32",
];

/**
 * IPv6 ranges code is never fetched from (§C.6 step 3, plus the deprecated IPv4-compatible
 * `::/96` of RFC 4291, which some stacks still route to the embedded IPv4 address). `::ffff:0:0/96`,
 * `::ffff:0:0:0/96` (SIIT, RFC 6052), `64:ff9b::/96`, `64:ff9b:1::/48` and `2002::/16` are not
 * listed: they are judged by their embedded IPv4 address.
 */
export const BLOCKED_IPV6_RANGES: readonly string[] = [
  "::/128", "::1/128", "::/96", "100::/64", "2001::/23", "2001:db8::/32", "fc00::/7", "fe80::/10", "ff00::/8",
];

interface Cidr {
  readonly base: bigint;
  readonly prefix: number;
}

function parseCidr(cidr: string, parse: (ip: string) => bigint): Cidr {
  const [ip, prefix] = cidr.split("/") as [string, string];
  return { base: parse(ip), prefix: Number(prefix) };
}

function inCidr(value: bigint, c: Cidr, bits: number): boolean {
  const shift = BigInt(bits - c.prefix);
  return value >> shift === c.base >> shift;
}

function v4Value(ip: string): bigint {
  return ip.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

/** The 128-bit value of a valid IPv6 address (`::` and a dotted IPv4 tail expanded, zone dropped). */
function v6Value(ip: string): bigint {
  let text = ip.toLowerCase().split("%")[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v = v4Value(dotted[1]!);
    text = `${text.slice(0, -dotted[1]!.length)}${(v >> 16n).toString(16)}:${(v & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? (text.split("::") as [string, string]) : [text, null];
  const h = head === "" ? [] : head.split(":");
  const t = tail === null || tail === "" ? [] : tail.split(":");
  const groups = tail === null ? h : [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

// Built on first use: nothing runs at import.
let tables: { v4: readonly Cidr[]; v6: readonly Cidr[]; mapped: Cidr; translated: Cidr; nat64: Cidr; nat64Local: Cidr; sixToFour: Cidr } | undefined;
function getTables(): NonNullable<typeof tables> {
  tables ??= {
    v4: BLOCKED_IPV4_RANGES.map((c) => parseCidr(c, v4Value)),
    v6: BLOCKED_IPV6_RANGES.map((c) => parseCidr(c, v6Value)),
    mapped: parseCidr("::ffff:0:0/96", v6Value),
    translated: parseCidr("::ffff:0:0:0/96", v6Value),
    nat64: parseCidr("64:ff9b::/96", v6Value),
    nat64Local: parseCidr("64:ff9b:1::/48", v6Value),
    sixToFour: parseCidr("2002::/16", v6Value),
  };
  return tables;
}

function globalV4Value(v: bigint): boolean {
  return !getTables().v4.some((c) => inCidr(v, c, 32));
}

function globalV6(ip: string): boolean {
  const t = getTables();
  const v = v6Value(ip);
  const low32 = v & 0xffffffffn;
  if (inCidr(v, t.mapped, 128) || inCidr(v, t.translated, 128) || inCidr(v, t.nat64, 128)) return globalV4Value(low32);
  // RFC 8215 local-use NAT64: the IPv4 address is the low 32 bits, as in the common /96 layout.
  if (inCidr(v, t.nat64Local, 128)) return globalV4Value(low32);
  // 6to4 (RFC 3056): 2002:AABB:CCDD::/48 carries AA.BB.CC.DD in bits 16-47.
  if (inCidr(v, t.sixToFour, 128)) return globalV4Value((v >> 80n) & 0xffffffffn);
  return !t.v6.some((c) => inCidr(v, c, 128));
}

/**
 * Whether code may be fetched from `ip`: a valid IPv4 or IPv6 address outside every blocked range
 * (§C.6 step 3). Anything that is not an address is not global.
 * @example isGlobalAddress("8.8.8.8") // true; isGlobalAddress("::ffff:10.0.0.1") // false
 */
export function isGlobalAddress(ip: string): boolean {
  if (isIPv4(ip)) return globalV4Value(v4Value(ip));
  if (isIPv6(ip)) return globalV6(ip);
  return false;
}
