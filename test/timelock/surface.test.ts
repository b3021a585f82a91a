/** The public surface of src/timelock (style.md: one surface snapshot per module). */
import { expect, test } from "vitest";
import * as timelock from "../../src/timelock/index.js";

test("behavior: exports exactly these names", () => {
  expect(Object.keys(timelock).sort()).toMatchInlineSnapshot(`
    [
      "QUICKNET_CHAIN_HASH",
      "QUICKNET_G1_DST",
      "QUICKNET_GENESIS_TIME_SECONDS",
      "QUICKNET_PERIOD_SECONDS",
      "QUICKNET_PUBLIC_KEY",
      "TLE_OVERHEAD_BYTES",
      "estimateRevealBlock",
      "revealRound",
      "timelockDecrypt",
      "timelockEncrypt",
    ]
  `);
});
