/** The space budget and size bounds as pure functions (spec/chain.md §3.4, §5.3, §8.4). */
import { describe, expect, test } from "vitest";
import { checkCommitmentSpace, checkPayloadSize, commitmentCost, commitmentFieldSizes, encodeCommitmentPayload } from "../../src/chain/index.js";
import { TLE_OVERHEAD_BYTES } from "../../src/timelock/index.js";

describe("commitment budget", () => {
  test("behavior: cost is max(100, Σ sizes); 128 chars -> 374 bytes -> 8 per epoch", () => {
    const ciphertextBytes = encodeCommitmentPayload("x".repeat(128)).length + TLE_OVERHEAD_BYTES;
    expect(ciphertextBytes).toBe(374);
    const fields = commitmentFieldSizes([{ kind: "timelock", ciphertext: new Uint8Array(ciphertextBytes), revealRound: 1 }]);
    expect(commitmentCost(fields)).toBe(374);
    expect(commitmentCost([{ kind: "raw", sizeBytes: 5 }])).toBe(100);
    expect(commitmentCost([{ kind: "raw", sizeBytes: 60 }, { kind: "bigRaw", sizeBytes: 60 }])).toBe(120);
    let usage = null as { lastEpoch: bigint; usedSpace: bigint } | null;
    let accepted = 0;
    for (;;) {
      const r = checkCommitmentSpace({ costBytes: 374, maxSpaceBytes: 3100, usage, currentEpoch: 9n });
      if (r.isErr()) {
        expect(r.error).toMatchObject({ type: "CommitmentSpaceExceeded", costBytes: 374, usedBytes: 2992, maxSpaceBytes: 3100 });
        expect(r.error.message).toContain("108 of 3100");
        break;
      }
      accepted += 1;
      usage = { lastEpoch: 9n, usedSpace: BigInt(3100 - r.value.remainingBytes) };
    }
    expect(accepted).toBe(8);
  });

  test("behavior: the running total resets in a new epoch; exact fit is accepted", () => {
    const usage = { lastEpoch: 8n, usedSpace: 3000n };
    expect(checkCommitmentSpace({ costBytes: 374, maxSpaceBytes: 3100, usage, currentEpoch: 9n })._unsafeUnwrap()).toEqual({ usedBytes: 0, remainingBytes: 2726 });
    expect(checkCommitmentSpace({ costBytes: 100, maxSpaceBytes: 3100, usage, currentEpoch: 8n })._unsafeUnwrap().remainingBytes).toBe(0);
    expect(checkCommitmentSpace({ costBytes: 101, maxSpaceBytes: 3100, usage, currentEpoch: 8n }).isErr()).toBe(true);
  });

  test("error: sizes over a bound", () => {
    expect(checkPayloadSize("timelock-ciphertext", 1024, 1024)._unsafeUnwrap()).toBe(1024);
    expect(checkPayloadSize("timelock-ciphertext", 1025, 1024)._unsafeUnwrapErr().message).toBe(
      "timelock-ciphertext of 1025 bytes exceeds the chain's bound of 1024 bytes",
    );
  });
});
