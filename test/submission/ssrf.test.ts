/** isGlobalAddress over every range of crusades.md §C.6 [PROJECT] step 3, inside and just outside each boundary. */
import { describe, expect, test } from "vitest";
import { BLOCKED_IPV4_RANGES, BLOCKED_IPV6_RANGES, isGlobalAddress } from "../../src/submission/index.js";

// [range, first, last, just below, just above]; "" where the neighbour is itself blocked or absent.
const V4: readonly (readonly [string, string, string, string, string])[] = [
  ["0.0.0.0/8", "0.0.0.0", "0.255.255.255", "", "1.0.0.0"],
  ["10.0.0.0/8", "10.0.0.0", "10.255.255.255", "9.255.255.255", "11.0.0.0"],
  ["100.64.0.0/10", "100.64.0.0", "100.127.255.255", "100.63.255.255", "100.128.0.0"],
  ["127.0.0.0/8", "127.0.0.0", "127.255.255.255", "126.255.255.255", "128.0.0.0"],
  ["169.254.0.0/16", "169.254.0.0", "169.254.255.255", "169.253.255.255", "169.255.0.0"],
  ["172.16.0.0/12", "172.16.0.0", "172.31.255.255", "172.15.255.255", "172.32.0.0"],
  ["192.0.0.0/24", "192.0.0.0", "192.0.0.255", "191.255.255.255", "192.0.1.0"],
  ["192.0.2.0/24", "192.0.2.0", "192.0.2.255", "192.0.1.255", "192.0.3.0"],
  ["192.88.99.0/24", "192.88.99.0", "192.88.99.255", "192.88.98.255", "192.88.100.0"],
  ["192.168.0.0/16", "192.168.0.0", "192.168.255.255", "192.167.255.255", "192.169.0.0"],
  ["198.18.0.0/15", "198.18.0.0", "198.19.255.255", "198.17.255.255", "198.20.0.0"],
  ["198.51.100.0/24", "198.51.100.0", "198.51.100.255", "198.51.99.255", "198.51.101.0"],
  ["203.0.113.0/24", "203.0.113.0", "203.0.113.255", "203.0.112.255", "203.0.114.0"],
  ["224.0.0.0/4", "224.0.0.0", "239.255.255.255", "223.255.255.255", ""],
  ["240.0.0.0/4", "240.0.0.0", "255.255.255.254", "", ""],
  ["255.255.255.255/32", "255.255.255.255", "255.255.255.255", "", ""],
];

const V6: readonly (readonly [string, string, string, string, string])[] = [
  ["::/128", "::", "::", "", ""],
  ["::1/128", "::1", "::1", "", ""],
  ["::/96", "::127.0.0.1", "::ffff:ffff", "", "::1:0:0"], // IPv4-compatible (deprecated)
  ["100::/64", "100::", "100::ffff:ffff:ffff:ffff", "ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "100:0:0:1::"],
  ["2001::/23", "2001::", "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", "2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:200::"],
  ["2001:db8::/32", "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db9::"],
  ["fc00::/7", "fc00::", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ""],
  ["fe80::/10", "fe80::", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fec0::"],
  ["ff00::/8", "ff00::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ""],
];

describe("isGlobalAddress: IPv4", () => {
  test("behavior: the table covers every blocked range", () => {
    expect(V4.map((r) => r[0])).toEqual(BLOCKED_IPV4_RANGES);
  });

  test.each(V4)("behavior: %s: first and last blocked, neighbours global", (_range, first, last, below, above) => {
    expect(isGlobalAddress(first)).toBe(false);
    expect(isGlobalAddress(last)).toBe(false);
    if (below !== "") expect(isGlobalAddress(below)).toBe(true);
    if (above !== "") expect(isGlobalAddress(above)).toBe(true);
  });

  test.each(["8.8.8.8", "1.1.1.1", "93.184.216.34", "223.255.255.255"])("behavior: %s is global", (ip) => {
    expect(isGlobalAddress(ip)).toBe(true);
  });
});

describe("isGlobalAddress: IPv6", () => {
  test("behavior: the table covers every blocked range", () => {
    expect(V6.map((r) => r[0])).toEqual(BLOCKED_IPV6_RANGES);
  });

  test.each(V6)("behavior: %s: first and last blocked, neighbours global", (_range, first, last, below, above) => {
    expect(isGlobalAddress(first)).toBe(false);
    expect(isGlobalAddress(last)).toBe(false);
    if (below !== "") expect(isGlobalAddress(below)).toBe(true);
    if (above !== "") expect(isGlobalAddress(above)).toBe(true);
  });

  test.each(["2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "fec0::1", "0:0:0:0:0:1:0:0"])("behavior: %s is global", (ip) => {
    expect(isGlobalAddress(ip)).toBe(true);
  });

  test.each(["0:0:0:0:0:0:0:1", "0000:0000:0000:0000:0000:0000:0000:0001", "FE80::1", "fe80::1%eth0", "FF02::1"])("behavior: the spelling does not matter: %s is blocked", (ip) => {
    expect(isGlobalAddress(ip)).toBe(false);
  });
});

describe("isGlobalAddress: IPv6 forms with an embedded IPv4 address", () => {
  test.each([
    // [prefix range, embedded private → blocked, embedded public → global]
    ["::ffff:0:0/96 dotted", "::ffff:127.0.0.1", "::ffff:8.8.8.8"],
    ["::ffff:0:0/96 hex", "::ffff:7f00:1", "::ffff:808:808"],
    ["::ffff:0:0/96 boundary", "::ffff:0.0.0.0", "::ffff:223.255.255.255"],
    ["::ffff:0:0/96 full form", "0:0:0:0:0:ffff:a9fe:a9fe", "0:0:0:0:0:ffff:0808:0808"],
    ["::ffff:0:0:0/96 (SIIT)", "::ffff:0:127.0.0.1", "::ffff:0:8.8.8.8"],
    ["64:ff9b::/96", "64:ff9b::10.0.0.1", "64:ff9b::8.8.8.8"],
    ["64:ff9b::/96 hex", "64:ff9b::a9fe:a9fe", "64:ff9b::808:808"],
    ["64:ff9b:1::/48", "64:ff9b:1::192.168.0.1", "64:ff9b:1::8.8.8.8"],
    ["64:ff9b:1::/48, far end", "64:ff9b:1:ffff:ffff:ffff:7f00:1", "64:ff9b:1:ffff:ffff:ffff:808:808"],
    ["2002::/16 (6to4 carries bits 16-47)", "2002:7f00:1::", "2002:808:808::"],
    ["2002::/16, far end", "2002:a00:1:ffff:ffff:ffff:ffff:ffff", "2002:808:808:ffff:ffff:ffff:ffff:ffff"],
    ["2002::/16 with a 100.64/10 address", "2002:6440:1::", "2002:6480:1::"],
  ])("behavior: %s: %s blocked, %s global", (_name, blocked, global) => {
    expect(isGlobalAddress(blocked)).toBe(false);
    expect(isGlobalAddress(global)).toBe(true);
  });

  test.each([
    // Just outside the translation prefixes: judged as plain IPv6 (global), not by the low 32 bits.
    ["::fffe:7f00:1", true],
    ["::1:ffff:7f00:1", true],
    ["64:ff9a:ffff:ffff:ffff:ffff:7f00:1", true],
    ["64:ff9b:0:0:0:1:7f00:1", true],
    ["64:ff9b:2::7f00:1", true],
    ["2003::7f00:1", true],
    ["2001:ffff::7f00:1", true],
  ])("behavior: outside the prefixes: %s global = %s", (ip, global) => {
    expect(isGlobalAddress(ip)).toBe(global);
  });
});

describe("isGlobalAddress: not addresses", () => {
  test.each(["", "localhost", "example.com", "127.1", "0x7f000001", "2130706433", "1.2.3.4.5", "::ffff:1.2.3", "[::1]", "256.0.0.1", "010.0.0.1"])("behavior: %j is not global", (s) => {
    expect(isGlobalAddress(s)).toBe(false);
  });
});
