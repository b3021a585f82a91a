/**
 * `crusades status`: a hotkey's commitments on chain (pending, plain, revealed), its rate-limit
 * window, and what a validator's API says of its submissions (spec crusades.md §A.4).
 * @module
 */
import { parseArgs } from "node:util";
import { readRateLimitWindow } from "../miner/index.js";
import { CHAIN_FLAGS, CHAIN_FLAGS_HELP, connect, hotkeyOf } from "./chain-options.js";
import { loadEffectiveHparams } from "./hparams.js";
import { type CliIo, EXIT, UsageError } from "./io.js";

export const STATUS_HELP = `Usage: crusades status [options]

Shows whether the subnet exists and the hotkey is registered, its commitments (pending, plain and
revealed), when validators will accept its next one, and, from a validator's API, its submissions,
the leader and the score to beat.

Options:
  --hotkey SS58         the hotkey to show (default: the wallet's hotkey)
  --plain               the next commitment would be plain (seen at once, not after the reveal delay)
  --api URL             a validator's API (e.g. http://validator:8080): the submissions' status,
                        the leader and the threshold
  --api-key KEY         its API key, if it needs one
  --json                one JSON object on stdout
${CHAIN_FLAGS_HELP}
  -h, --help            show this help
`;

/** Runs the command; returns the exit code. */
export async function runStatus(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { ...CHAIN_FLAGS, hotkey: { type: "string" }, plain: { type: "boolean", default: false }, api: { type: "string" }, "api-key": { type: "string" }, json: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) {
    io.stdout(STATUS_HELP);
    return EXIT.ok;
  }
  const hparams = loadEffectiveHparams(io);
  if (values.api !== undefined && !/^https?:\/\/\S+$/i.test(values.api)) throw new UsageError(`--api must be an http:// or https:// URL, got '${values.api}'`);
  const hotkey = values.hotkey ?? (await hotkeyOf(values, io)).address;
  const client = await connect(values, io);
  try {
    const netuid = hparams.netuid;
    const head = await client.blockNumber();
    if (head.isErr()) throw new UsageError(head.error.message);
    const [uid, pending, revealed, window] = await Promise.all([
      client.uidOf(netuid, hotkey),
      client.readCommitment(netuid, hotkey),
      client.readRevealedCommitmentsOf(netuid, hotkey),
      readRateLimitWindow(client, hparams, hotkey, head.value, values.plain),
    ]);
    if (window.isErr()) throw new UsageError(window.error.message);
    const reveals = revealed.isOk() ? revealed.value.map((r) => ({ revealBlock: r.revealBlock, bytes: r.payload.length })) : [];
    const plain = pending.isOk() && pending.value !== null ? pending.value : null;
    const newest = window.value.newestRevealBlock;
    const earliestCommit = window.value.earliestCommitBlock;
    let submissions: unknown = null;
    let leader: unknown = null;
    if (values.api) {
      const get = async (path: string): Promise<unknown> => {
        const res = await fetch(new URL(path, values.api), { headers: values["api-key"] ? { "X-API-Key": values["api-key"] } : {} }).catch((e: Error) => e);
        return res instanceof Error ? { error: res.message } : res.ok ? await res.json() : { error: `HTTP ${res.status}` };
      };
      // The validator's ingestion outcomes for this hotkey, and the leader record with the threshold (§A.4).
      [submissions, leader] = await Promise.all([get(`/api/commitments?hotkey=${encodeURIComponent(hotkey)}`), get("/api/stats/threshold")]);
    }
    const report = {
      hotkey, netuid, block: head.value, subnetExists: !(uid.isErr() && uid.error.type === "SubnetNotFound"), registered: uid.isOk(), uid: uid.isOk() ? uid.value : null,
      pending: plain === null ? null : { block: plain.block, fields: plain.fields.map((f) => (f.kind === "timelock" ? { kind: "timelock", revealRound: f.revealRound.toString() } : { kind: f.kind })) },
      revealed: reveals, revealedReadable: window.value.revealedReadable, newestRevealBlock: newest, earliestCommitBlock: earliestCommit, validator: submissions, leader,
    };
    if (values.json) io.stdout(JSON.stringify(report) + "\n");
    else {
      io.stdout(`hotkey ${hotkey} on subnet ${netuid} at block ${head.value}: ${!report.subnetExists ? "the subnet does NOT exist" : report.registered ? `registered, uid ${report.uid}` : "NOT registered"}\n`);
      io.stdout(`pending commitment: ${plain === null ? "none" : `block ${plain.block}, ${plain.fields.map((f) => f.kind).join(", ")}`}\n`);
      io.stdout(`revealed: ${reveals.length === 0 ? (window.value.revealedReadable ? "none" : "not readable on this runtime") : reveals.map((r) => `block ${r.revealBlock}`).join(", ")}\n`);
      io.stdout(`next commitment: ${earliestCommit <= head.value ? "allowed now" : `wait until block ${earliestCommit}`} (validators need ${hparams.min_blocks_between_commits} blocks between reveals)\n`);
      if (submissions !== null) io.stdout(validatorLines(submissions));
      if (leader !== null) io.stdout(leaderLine(leader));
    }
    return EXIT.ok;
  } finally {
    await client.disconnect();
  }
}

/** The validator's view of this hotkey's commitments (`/api/commitments`), a line each. */
function validatorLines(answer: unknown): string {
  if (!Array.isArray(answer)) return `validator: ${(answer as { error?: string })?.error ?? "unexpected answer"}\n`;
  if (answer.length === 0) return "validator: no commitment of this hotkey ingested yet\n";
  const lines = answer.map((c: Record<string, unknown>) => {
    const sub = c.submission_id === null ? "" : ` -> submission ${String(c.submission_id)} ${String(c.submission_status)}${typeof c.final_score === "number" ? `, MFU ${c.final_score.toFixed(2)}%` : ""}${c.error_code ? ` (${String(c.error_code)})` : ""}`;
    return `  reveal block ${String(c.reveal_block)} (${String(c.source)}): ${String(c.outcome)}${c.reason ? `: ${String(c.reason)}` : ""}${sub}`;
  });
  return `validator:\n${lines.join("\n")}\n`;
}

/** The leader record and the MFU to beat (`/api/stats/threshold`). */
function leaderLine(answer: unknown): string {
  const t = answer as { error?: string; leader_id?: string | null; leader_score?: number | null; mfu_to_beat?: number | null; decayed_threshold?: number };
  if (t.error !== undefined) return `leader: ${t.error}\n`;
  if (!t.leader_id) return "leader: none yet (any finished submission takes the lead)\n";
  return `leader: ${t.leader_id} at MFU ${t.leader_score?.toFixed(2)}%; to take the lead: more than ${t.mfu_to_beat?.toFixed(2)}% (threshold ${((t.decayed_threshold ?? 0) * 100).toFixed(2)}%)\n`;
}
