/** URL rules: the miner's committed form (crusades.md §B.4 steps 1-4) and the validator's fetch URL (§C.6 [PROJECT] steps 1-2). */
import { describe, expect, test } from "vitest";
import { checkPort, fetchUrlOf, normalizeSubmissionUrl } from "../../src/submission/index.js";

describe("normalizeSubmissionUrl", () => {
  test.each([
    ["https://x.org/t.py", "https://x.org/t.py"],
    ["http://x.org/t.py", "http://x.org/t.py"],
    ["https://x.org/t.py///", "https://x.org/t.py"],
    ["https://raw.githubusercontent.com/u/r/main/train.py", "https://raw.githubusercontent.com/u/r/main/train.py"],
    // Gist raw links: the user/id prefix is kept, any /raw, /raw/<rev>, /raw/<rev>/<file> suffix dropped.
    ["https://gist.githubusercontent.com/alice/0a1b2c/raw", "https://gist.github.com/alice/0a1b2c"],
    ["https://gist.githubusercontent.com/alice/0a1b2c/raw/", "https://gist.github.com/alice/0a1b2c"],
    ["https://gist.githubusercontent.com/alice/0a1b2c/raw/9f8e7d", "https://gist.github.com/alice/0a1b2c"],
    ["https://gist.githubusercontent.com/alice/0a1b2c/raw/9f8e7d/train.py", "https://gist.github.com/alice/0a1b2c"],
    ["http://gist.githubusercontent.com/alice/0a1b2c/raw/9f8e7d/train.py", "https://gist.github.com/alice/0a1b2c"],
    // Case-insensitive, hex digits included, as Python's re.I.
    ["https://Gist.GitHubUserContent.com/Alice/0A1B/raw", "https://gist.github.com/Alice/0A1B"],
    // The match is a prefix match: the id ends at the first non-hex character.
    ["https://gist.githubusercontent.com/alice/0a1bxyz/raw", "https://gist.github.com/alice/0a1b"],
    ["https://gist.githubusercontent.com/alice/xyz/raw", "https://gist.githubusercontent.com/alice/xyz/raw"],
    ["https://gist.github.com/alice/0a1b2c/", "https://gist.github.com/alice/0a1b2c"],
    ["https://evilgist.githubusercontent.com.attacker.net/alice/0a1b/raw", "https://evilgist.githubusercontent.com.attacker.net/alice/0a1b/raw"],
  ])("behavior: %s -> %s", (input, committed) => {
    expect(normalizeSubmissionUrl(input)._unsafeUnwrap()).toBe(committed);
  });

  test.each([
    ["", "scheme"],
    ["x.org/t.py", "scheme"],
    ["ftp://x.org/t.py", "scheme"],
    ["HTTPS://x.org/t.py", "scheme"],
    ["Http://x.org/t.py", "scheme"],
    ["https://github.com/u/r/tree/main", "page"],
    ["https://github.com/u/r/blob/main/train.py", "page"],
    ["https://github.com/u/r/BLOB/main/train.py", "page"],
    ["https://github.com/u/r?tab=readme", "page"],
    ["https://github.com/u/r/commits", "page"],
    ["https://github.com/u/r/pulls", "page"],
    ["https://github.com/u/r/issues/1", "page"],
    ["https://github.com/u/r/actions", "page"],
    ["https://x.org/my train.py", "invalid"],
    ["https://x.org/a\nb", "invalid"],
    ["https://x.org/a\tb", "invalid"],
    ["https://x.org/a ", "invalid"],
  ])("error: %j is refused (%s)", (url, reason) => {
    expect(normalizeSubmissionUrl(url)._unsafeUnwrapErr()).toMatchObject({ type: "UrlRule", reason });
  });
});

describe("fetchUrlOf", () => {
  test.each([
    ["https://gist.github.com/alice/0a1b2c", "https://gist.githubusercontent.com/alice/0a1b2c/raw"],
    ["https://gist.github.com/alice/0a1b2c//", "https://gist.githubusercontent.com/alice/0a1b2c/raw"],
    ["https://GIST.GitHub.COM/alice/0a1b2c", "https://gist.githubusercontent.com/alice/0a1b2c/raw"],
    ["https://gist.github.com/alice/0a1b2c/raw", "https://gist.githubusercontent.com/alice/0a1b2c/raw"],
    ["https://gist.github.com/alice/0a1b2c/raw/9f8e/train.py", "https://gist.githubusercontent.com/alice/0a1b2c/raw/9f8e/train.py"],
    // A user name that merely starts with "raw" still gets /raw appended.
    ["https://gist.github.com/rawson/0a1b2c", "https://gist.githubusercontent.com/rawson/0a1b2c/raw"],
    // The reference drops the port when it expands.
    ["https://gist.github.com:443/alice/0a1b2c", "https://gist.githubusercontent.com/alice/0a1b2c/raw"],
    ["http://gist.github.com/alice/0a1b2c", "http://gist.githubusercontent.com/alice/0a1b2c/raw"],
    // Only the exact host expands (the reference expands any host containing gist.github.com).
    ["https://evilgist.github.com.attacker.net/alice/0a1b2c", "https://evilgist.github.com.attacker.net/alice/0a1b2c"],
    ["https://notgist.github.com/alice/0a1b2c", "https://notgist.github.com/alice/0a1b2c"],
    ["https://x.org/gist.github.com/a", "https://x.org/gist.github.com/a"],
    ["https://gist.githubusercontent.com/alice/0a1b2c/raw", "https://gist.githubusercontent.com/alice/0a1b2c/raw"],
    ["https://x.org/t.py?v=1", "https://x.org/t.py?v=1"],
  ])("behavior: %s is fetched as %s", (committed, fetched) => {
    expect(fetchUrlOf(committed)._unsafeUnwrap().href).toBe(fetched);
  });

  test.each([
    ["ftp://x.org/t.py", "scheme"],
    ["file:///etc/passwd", "scheme"],
    ["javascript:alert(1)", "scheme"],
    ["https://user:pw@x.org/t.py", "userinfo"],
    ["https://user@x.org/t.py", "userinfo"],
    ["https://gist.github.com@evil.org/t.py", "userinfo"],
    ["not a url", "invalid"],
    ["https://x.org/a\tb", "invalid"],
    ["https://", "invalid"],
  ])("error: %j is refused (%s)", (url, reason) => {
    expect(fetchUrlOf(url)._unsafeUnwrapErr()).toMatchObject({ type: "UrlRule", reason });
  });
});

describe("checkPort", () => {
  test.each([
    ["https://x.org/a", true],
    ["https://x.org:443/a", true],
    ["https://x.org:80/a", true],
    ["http://x.org:80/a", true],
    ["http://x.org:443/a", true],
    ["http://x.org:8080/a", false],
    ["https://x.org:8443/a", false],
    ["http://x.org:22/a", false],
  ])("behavior: %s allowed: %s", (url, allowed) => {
    const r = checkPort(new URL(url));
    expect(r.isOk()).toBe(allowed);
    if (!allowed) expect(r._unsafeUnwrapErr().reason).toBe("port");
  });
});
