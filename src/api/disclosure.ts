/**
 * When a submission's URL (`bucket_path`) and code may be served (§J.3 [PROJECT]). `code_hash` is
 * always public. Under `after_superseded` the current leader's code stays hidden so that nobody can
 * copy the code to beat, until it is superseded or, when `api.code_disclosure_delay_blocks` is set,
 * until that many blocks have passed since it finished.
 * @module
 */
import type { ApiHparams } from "../config/index.js";
import { getLeaderState, type SubmissionStatus } from "../store/index.js";
import { safeCurrentBlock, type ApiContext } from "./context.js";
import { submissionsSharingCode } from "./queries.js";

/** What the rule looks at. */
export interface DisclosureSubject {
  readonly submissionId: string;
  readonly status: SubmissionStatus;
  /** The block the submission finished at (`finished_block`); `null` when it has not finished. */
  readonly finishedBlock: number | null;
}

/** What the rule compares a submission with. */
export interface DisclosureState {
  /** The current competition version's leader (`null` when none). */
  readonly leaderId: string | null;
  /** The chain's current block, or `null` when unknown (or not needed: no delay is configured). */
  readonly currentBlock: number | null;
}

/** The `api.*` settings the rule reads. */
export type DisclosurePolicy = Pick<ApiHparams, "code_disclosure" | "code_disclosure_delay_blocks">;

// Blocks, not wall-clock time: `finished_block` is what the store records at finalisation, and
// the threshold decay reasons in blocks too (§H.3). An unknown current block keeps the leader
// hidden: a lagging or unreachable node must not disclose early.
function delayPassed(s: DisclosureSubject, currentBlock: number | null, delayBlocks: number | null): boolean {
  if (delayBlocks === null || currentBlock === null || s.finishedBlock === null) return false;
  return currentBlock - s.finishedBlock >= delayBlocks;
}

/**
 * The §J.3 rule for one submission:
 * - `after_evaluation`: the submission is final (`finished`, `failed`, `duplicate`);
 * - `after_superseded`: `failed` / `duplicate`, or `finished` and either not the current leader or
 *   finished at least `code_disclosure_delay_blocks` before `state.currentBlock`;
 * - `never`: never.
 * @example mayDisclose({ submissionId: "s1", status: "finished", finishedBlock: 100 }, { leaderId: "s1", currentBlock: 150 }, { code_disclosure: "after_superseded", code_disclosure_delay_blocks: 50 }) // true
 */
export function mayDisclose(s: DisclosureSubject, state: DisclosureState, policy: DisclosurePolicy): boolean {
  switch (policy.code_disclosure) {
    case "never":
      return false;
    case "after_evaluation":
      return s.status === "finished" || s.status === "failed" || s.status === "duplicate";
    case "after_superseded":
      if (s.status === "failed" || s.status === "duplicate") return true;
      return s.status === "finished" && (s.submissionId !== state.leaderId || delayPassed(s, state.currentBlock, policy.code_disclosure_delay_blocks));
  }
}

/**
 * The state {@link isDisclosed} needs: the current version's leader and, only when a delay could
 * disclose it, the current block (so that requests without a leader or a delay ask no node).
 */
export async function disclosureState(ctx: ApiContext): Promise<DisclosureState> {
  const leaderId = getLeaderState(ctx.store, ctx.version).leaderId;
  const { code_disclosure: mode, code_disclosure_delay_blocks: delay } = ctx.hparams.api;
  const needsBlock = mode === "after_superseded" && delay !== null && leaderId !== null;
  return { leaderId, currentBlock: needsBlock ? await safeCurrentBlock(ctx) : null };
}

/**
 * Whether the URL and code of a stored submission may be served. Besides the rule for the
 * submission itself, every submission sharing its downloaded code or its URL (a `duplicate` of the
 * leader, the same gist committed again in a later version) must pass it too: otherwise serving the
 * copy would serve the hidden original.
 * @param state - from {@link disclosureState}
 */
export function isDisclosed(ctx: ApiContext, s: DisclosureSubject & { readonly codeSha256: string | null; readonly bucketPath: string }, state: DisclosureState): boolean {
  const policy = ctx.hparams.api;
  if (!mayDisclose(s, state, policy)) return false;
  return submissionsSharingCode(ctx.store, s.codeSha256, s.bucketPath).every((other) => mayDisclose(other, state, policy));
}
