/**
 * When a submission's URL (`bucket_path`) and code may be served (§J.3 [PROJECT]). `code_hash` is
 * always public. Under `after_superseded` the current leader's code stays hidden so that nobody can
 * copy the code to beat.
 * @module
 */
import type { CodeDisclosure } from "../config/index.js";
import { getLeaderState, type SubmissionStatus } from "../store/index.js";
import type { ApiContext } from "./context.js";
import { submissionsSharingCode } from "./queries.js";

/** What the rule looks at. */
export interface DisclosureSubject {
  readonly submissionId: string;
  readonly status: SubmissionStatus;
}

/**
 * The §J.3 rule for one submission:
 * - `after_evaluation`: the submission is final (`finished`, `failed`, `duplicate`);
 * - `after_superseded`: finished and not the current leader, or `failed` / `duplicate`;
 * - `never`: never.
 * @param leaderId - the current competition version's leader (`null` when none)
 * @example mayDisclose({ submissionId: "s1", status: "finished" }, "s1", "after_superseded") // false
 */
export function mayDisclose(s: DisclosureSubject, leaderId: string | null, mode: CodeDisclosure): boolean {
  switch (mode) {
    case "never":
      return false;
    case "after_evaluation":
      return s.status === "finished" || s.status === "failed" || s.status === "duplicate";
    case "after_superseded":
      return (s.status === "finished" && s.submissionId !== leaderId) || s.status === "failed" || s.status === "duplicate";
  }
}

/**
 * Whether the URL and code of a stored submission may be served. Besides the rule for the
 * submission itself, every submission sharing its downloaded code or its URL (a `duplicate` of the
 * leader, the same gist committed again in a later version) must pass it too: otherwise serving the
 * copy would serve the hidden original.
 * @param leaderId - the current version's leader; read from the store when not given
 */
export function isDisclosed(
  ctx: ApiContext,
  s: DisclosureSubject & { readonly codeSha256: string | null; readonly bucketPath: string },
  leaderId: string | null = getLeaderState(ctx.store, ctx.version).leaderId,
): boolean {
  const mode = ctx.hparams.api.code_disclosure;
  if (!mayDisclose(s, leaderId, mode)) return false;
  return submissionsSharingCode(ctx.store, s.codeSha256, s.bucketPath).every((other) => mayDisclose(other, leaderId, mode));
}
