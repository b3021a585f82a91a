import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  classifyErrorCode, decayedThreshold, EMPTY_LEADER_STATE, EVALUATION_ERROR_CODES, isFatalErrorCode, medianLow, referenceLeaderboard,
  scoreRuns, scoreToBeat, updateLeader, weightVector, type LeaderState, type RunOutcome,
} from "../../src/scoring/index.js";

const AT = { base_threshold: 0.01, decay_percent: 0.05, decay_interval_blocks: 100 };
const ok = (mfu: number): RunOutcome => ({ status: "success", mfu, errorCode: null });
const fail = (code: string | null): RunOutcome => ({ status: "failed", mfu: 0, errorCode: code });

describe("error codes", () => {
  test("behavior: fatality as §E.9", () => {
    for (const c of ["implausible_mfu", "insufficient_mfu", "timer_tampering", "deferred_computation", "missing_logits", "scan_rejected", "protocol_violation", "import_failed", "invalid_return_type"]) {
      expect(isFatalErrorCode(c), c).toBe(true);
    }
    for (const c of ["weight_mismatch", "loss_mismatch", "invalid_final_state", "invalid_loss", "miner_crash", "deadline_exceeded", "timer_source_unavailable", "execution_failed", "missing_final_state", "whatever", null]) {
      expect(classifyErrorCode(c), String(c)).toBe("failed");
    }
    expect(classifyErrorCode("infrastructure_error")).toBe("void");
    expect(new Set(EVALUATION_ERROR_CODES).size).toBe(EVALUATION_ERROR_CODES.length);
  });
});

describe("scoreRuns", () => {
  const opts = { evaluationRuns: 3, minSuccessRate: 0.5 };
  test("behavior: median of successes; median_low for even counts (§H.1)", () => {
    expect(scoreRuns([ok(60), ok(58), ok(70)], opts)).toMatchObject({ status: "finished", score: 60, successes: 3 });
    expect(scoreRuns([ok(60), fail("loss_mismatch"), ok(58)], opts)).toMatchObject({ status: "finished", score: 58 });
    expect(scoreRuns([ok(60), fail("loss_mismatch"), ok(58)], { ...opts, statistic: "median" })).toMatchObject({ score: 59 });
    expect(scoreRuns([ok(60), fail(null), fail("weight_mismatch")], opts)).toMatchObject({ status: "failed_success_rate" });
  });
  test("behavior: the reference's 2 runs with min_success_rate 0.3", () => {
    expect(scoreRuns([ok(55), fail("weight_mismatch")], { evaluationRuns: 2, minSuccessRate: 0.3 })).toMatchObject({ status: "finished", score: 55 });
    expect(scoreRuns([ok(55), ok(57)], { evaluationRuns: 2, minSuccessRate: 0.3 })).toMatchObject({ score: 55 });
  });
  test("behavior: fatal stops at once; void runs do not count; pending until enough", () => {
    expect(scoreRuns([ok(60), fail("implausible_mfu")], opts)).toMatchObject({ status: "failed_fatal", errorCode: "implausible_mfu" });
    expect(scoreRuns([ok(60), fail("infrastructure_error"), ok(61)], opts)).toMatchObject({ status: "pending", countedRuns: 2, voidRuns: 1 });
    expect(scoreRuns([ok(60), { status: "void", mfu: 0, errorCode: null }, ok(61), ok(59)], opts)).toMatchObject({ status: "finished", score: 60 });
  });
  test("behavior: a failed run never raises the score (fuzz)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 2, maxLength: 9 }), (mfus) => {
        const all = scoreRuns(mfus.map(ok), { evaluationRuns: mfus.length, minSuccessRate: 0 });
        const one = scoreRuns([...mfus.slice(1).map(ok), fail("weight_mismatch")], { evaluationRuns: mfus.length, minSuccessRate: 0 });
        if (all.status !== "finished" || one.status !== "finished") throw new Error("not finished");
        expect(mfus).toContain(all.score);
        expect(one.score).toBeLessThanOrEqual(medianLow(mfus) + Math.max(...mfus));
        expect(all.score).toBe([...mfus].sort((a, b) => a - b)[(mfus.length - 1) >> 1]);
      }),
    );
  });
});

describe("adaptive threshold and leader (§H.3, §H.4)", () => {
  test("behavior: the worked decay example", () => {
    const s = { threshold: 0.2, thresholdBlock: 1000 };
    expect(decayedThreshold(s, 1000, AT)).toBeCloseTo(0.2, 15);
    expect(decayedThreshold(s, 2000, AT)).toBeCloseTo(0.01 + 0.19 * 0.95 ** 10, 15);
    expect(decayedThreshold(s, 2000, AT)).toBeCloseTo(0.124, 3);
    expect(decayedThreshold(s, 6000, AT)).toBeCloseTo(0.01 + 0.19 * 0.95 ** 50, 15); // "about 0.024" (spec: ≈ 0.0246)
    expect(decayedThreshold(s, 1050, AT)).toBeCloseTo(0.01 + 0.19 * 0.95 ** 0.5, 15);
    expect(decayedThreshold({ threshold: null, thresholdBlock: null }, 5, AT)).toBe(0.01);
    expect(decayedThreshold(s, 9000, { ...AT, decay_interval_blocks: 0 })).toBe(0.2);
  });

  test("behavior: first leader, a challenger must beat score × (1 + thr) strictly", () => {
    const a = updateLeader(EMPTY_LEADER_STATE, { submissionId: "a", score: 50, block: 100 }, AT)._unsafeUnwrap();
    expect(a).toMatchObject({ changed: true, reason: "first_leader", state: { leaderId: "a", leaderScore: 50, threshold: 0.01, thresholdBlock: 100 } });
    const tie = updateLeader(a.state, { submissionId: "b", score: 50.5, block: 100 }, AT)._unsafeUnwrap();
    expect(tie).toMatchObject({ changed: false, reason: "within_threshold", scoreToBeat: 50.5 });
    const b = updateLeader(a.state, { submissionId: "b", score: 60, block: 200 }, AT)._unsafeUnwrap();
    expect(b.state).toMatchObject({ leaderId: "b", leaderScore: 60, thresholdBlock: 200 });
    expect(b.state.threshold).toBeCloseTo(0.2, 15);
    // 1000 blocks later the bar is 60 × (1 + 0.1238)
    expect(scoreToBeat(b.state, 1200, AT)).toBeCloseTo(60 * (1 + 0.01 + 0.19 * 0.95 ** 10), 12);
    const c = updateLeader(b.state, { submissionId: "c", score: 67, block: 1200 }, AT)._unsafeUnwrap();
    expect(c.changed).toBe(false);
    const d = updateLeader(b.state, { submissionId: "d", score: 68, block: 1200 }, AT)._unsafeUnwrap();
    expect(d.state).toMatchObject({ leaderId: "d", leaderScore: 68 });
    expect(d.state.threshold).toBeCloseTo(max(0.01, 8 / 60), 15);
  });

  test("error: non-finite score and regressed block", () => {
    const a = updateLeader(EMPTY_LEADER_STATE, { submissionId: "a", score: 50, block: 100 }, AT)._unsafeUnwrap();
    expect(updateLeader(a.state, { submissionId: "x", score: NaN, block: 200 }, AT)._unsafeUnwrapErr().type).toBe("invalid_score");
    expect(updateLeader(a.state, { submissionId: "x", score: 90, block: 99 }, AT)._unsafeUnwrapErr().type).toBe("block_regressed");
  });

  test("behavior: properties: the leader score never falls and threshold >= base (fuzz)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 100, noNaN: true }), fc.nat(500)), { maxLength: 30 }), (subs) => {
        let state: LeaderState = EMPTY_LEADER_STATE;
        let block = 0;
        subs.forEach(([score, gap], k) => {
          block += gap;
          const u = updateLeader(state, { submissionId: String(k), score, block }, AT)._unsafeUnwrap();
          if (state.leaderId !== null && u.state.leaderId !== null) expect(u.state.leaderScore).toBeGreaterThanOrEqual(state.leaderScore);
          if (u.state.leaderId !== null) expect(u.state.threshold).toBeGreaterThanOrEqual(AT.base_threshold);
          const t = decayedThreshold(u.state, block + gap, AT);
          expect(t).toBeGreaterThanOrEqual(AT.base_threshold);
          state = u.state;
        });
      }),
    );
  });

  test("behavior: the reference leaderboard example of §H.2", () => {
    const board = referenceLeaderboard([{ id: "C", score: 52 }, { id: "A", score: 50 }, { id: "D", score: 53 }], 0.04);
    expect(board.map((b) => b.id)).toEqual(["C", "D", "A"]);
  });
});

describe("weightVector (§H.5)", () => {
  test("behavior: winner-take-all with burn", () => {
    expect(weightVector({ winnerUid: 7, burnUid: 1, burnRate: 1 })).toEqual({ uids: [1, 7], weights: [1, 0] });
    const w = weightVector({ winnerUid: 7, burnUid: 1, burnRate: 0.95 });
    expect(w.uids).toEqual([1, 7]);
    expect(w.weights[0]).toBe(0.95);
    expect(w.weights[1]).toBeCloseTo(0.05, 15);
    expect(weightVector({ winnerUid: null, burnUid: 1, burnRate: 0.5 })).toEqual({ uids: [1], weights: [1] });
    expect(weightVector({ winnerUid: 1, burnUid: 1, burnRate: 0.5 })).toEqual({ uids: [1], weights: [1] });
    expect(() => weightVector({ winnerUid: 2, burnUid: 1, burnRate: 1.5 })).toThrow(RangeError);
  });
  test("behavior: weights are non-negative and sum to 1 (fuzz)", () => {
    fc.assert(
      fc.property(fc.option(fc.nat(255), { nil: null }), fc.nat(255), fc.double({ min: 0, max: 1, noNaN: true }), (winnerUid, burnUid, burnRate) => {
        const w = weightVector({ winnerUid, burnUid, burnRate });
        expect(w.uids[0]).toBe(burnUid);
        expect(w.weights.every((x) => x >= 0)).toBe(true);
        expect(w.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      }),
    );
  });
});

function max(a: number, b: number) {
  return Math.max(a, b);
}
