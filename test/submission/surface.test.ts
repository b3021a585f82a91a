/** The public surface of `crusades/submission`: every runtime export, by name. */
import { expect, test } from "vitest";
import * as submission from "../../src/submission/index.js";

test("behavior: crusades/submission exports", () => {
  expect(Object.keys(submission).sort()).toMatchInlineSnapshot(`
    [
      "BLOCKED_IPV4_RANGES",
      "BLOCKED_IPV6_RANGES",
      "HASH_MISMATCH_MESSAGE",
      "MAX_CODE_BYTES",
      "MAX_COMMITMENT_CHARS",
      "MAX_PARSE_CHARS",
      "buildCommitment",
      "checkCodeContent",
      "checkCommitmentUrlFits",
      "checkPort",
      "codeHash",
      "codePointLength",
      "codeSha256",
      "commitmentOverhead",
      "fetchCode",
      "fetchCodeWithRetry",
      "fetchUrlOf",
      "firstCodePoints",
      "isGlobalAddress",
      "normalizeSubmissionUrl",
      "parseCommitment",
      "pythonStrip",
      "worstCaseCommitmentOverhead",
    ]
  `);
});
