/** The caller filter (compute.md §4.5, §8 item 1) and failure counting (§10.2, §8 item 13). */
import { describe, expect, it } from "vitest";
import { checkCaller, INITIAL_POG_STATE, isMinerDenied, isPogDue, pogScheduleOffset, recordPogOutcome, verifiedGpus } from "../../src/compute/index.js";

const standing = { registered: true, validatorPermit: true, stakeTao: 20_000, coldkey: "C1" };
const lookup = async (h: string) => (h === "unregistered" ? null : h === "poor" ? { ...standing, stakeTao: 10 } : h === "nopermit" ? { ...standing, validatorPermit: false } : standing);

describe("checkCaller", () => {
  it("behavior: each step of §4.5 in order", async () => {
    expect((await checkCaller("v", { lookup, denyHotkeys: ["v"], allowHotkeys: ["v"] }))._unsafeUnwrapErr().reason).toBe("deny_hotkey");
    expect((await checkCaller("v", { lookup, denyColdkeys: ["C1"], allowHotkeys: ["v"] }))._unsafeUnwrapErr().reason).toBe("deny_coldkey");
    expect((await checkCaller("unregistered", { lookup, allowHotkeys: ["unregistered"] }))._unsafeUnwrap()).toBe("allow_list");
    expect((await checkCaller("v", { lookup, allowOnly: true }))._unsafeUnwrapErr().reason).toBe("not_allowed");
    expect((await checkCaller("unregistered", { lookup }))._unsafeUnwrapErr().reason).toBe("not_registered");
    expect((await checkCaller("nopermit", { lookup }))._unsafeUnwrapErr().reason).toBe("no_permit");
    expect((await checkCaller("poor", { lookup }))._unsafeUnwrapErr().reason).toBe("low_stake");
    expect((await checkCaller("v", { lookup }))._unsafeUnwrap()).toBe("validator");
    expect((await checkCaller("v", { lookup, allowColdkeys: ["C1"], allowOnly: true }))._unsafeUnwrap()).toBe("allow_list");
  });

  it("error: an unlisted caller is rejected without a metagraph lookup; a failing lookup fails closed", async () => {
    expect((await checkCaller("x", { allowHotkeys: ["y"] }))._unsafeUnwrapErr().reason).toBe("not_registered");
    expect((await checkCaller("x", { lookup: () => Promise.reject(new Error("rpc down")) }))._unsafeUnwrapErr().reason).toBe("lookup_failed");
  });

  it("behavior: validator-side deny-lists", () => {
    expect(isMinerDenied({ hotkey: "m", coldkey: "c" }, { denyColdkeys: ["c"] })).toBe(true);
    expect(isMinerDenied({ hotkey: "m" }, { denyColdkeys: ["c"] })).toBe(false);
  });
});

describe("failure counting", () => {
  const clock = { block: 1000, nowMs: 0 };
  const passed = recordPogOutcome(INITIAL_POG_STATE, { kind: "passed", model: "H200", count: 8 }, clock);

  it("behavior: a pass lasts 720 blocks; a hard failure revokes at once and blocks the interval", () => {
    expect(verifiedGpus(passed, 1719)).toEqual({ model: "H200", count: 8 });
    expect(verifiedGpus(passed, 1720)).toBeNull();
    const hard = recordPogOutcome(passed, { kind: "hard" }, { block: 1100, nowMs: 0 });
    expect(verifiedGpus(hard, 1101)).toBeNull();
    expect(isPogDue(hard, "v", "m", { block: 1439, nowMs: 0 })).toBe(false);
    expect(isPogDue(hard, "v", "m", { block: 1440 + 359, nowMs: 0 })).toBe(true);
  });

  it("behavior: soft failures keep the status and retry after 5, 10, 20 minutes, then wait for the next interval", () => {
    let s = passed;
    const delays: (number | null)[] = [];
    for (let k = 0; k < 4; k++) {
      s = recordPogOutcome(s, { kind: "soft" }, { block: 1100, nowMs: 0 });
      delays.push(s.retryAtMs);
    }
    expect(delays).toEqual([300_000, 600_000, 1_200_000, null]);
    expect(verifiedGpus(s, 1200)).not.toBeNull();
    expect(isPogDue(s, "v", "m", { block: 1100, nowMs: 10 ** 9 })).toBe(false);
    expect(isPogDue(s, "v", "m", { block: 1440 + 359, nowMs: 0 })).toBe(true);
  });

  it("behavior: schedule offsets are deterministic and spread", () => {
    expect(pogScheduleOffset("v", "m", 3)).toBe(pogScheduleOffset("v", "m", 3));
    const offsets = new Set(Array.from({ length: 50 }, (_, k) => pogScheduleOffset("v", `m${k}`, 3)));
    expect(offsets.size).toBeGreaterThan(40);
  });
});
