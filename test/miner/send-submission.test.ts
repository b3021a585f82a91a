/**
 * The miner's chain steps against the spec-218 runtime in chopsticks: a plain commitment read back
 * byte for byte, the payment form built from an earlier payment (`existingPayment`, nothing paid
 * again), and the pre-checks that send nothing (coldkey required, the validators' rate limit,
 * an unregistered hotkey), and `crusades status` reading the same window.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { WsProvider } from "@polkadot/api";
import { Keyring } from "@polkadot/keyring";
import type { KeyringPair } from "@polkadot/keyring/types";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from "vitest";
import type { SubtensorClient } from "../../src/chain/index.js";
import { parseHparams, type Hparams } from "../../src/config/index.js";
import { createApiServer } from "../../src/api/index.js";
import { runStatus } from "../../src/cli/status.js";
import { applyLeaderUpdate, getLeaderState, insertSubmission, openStore, recordIngested, updateSubmission } from "../../src/store/index.js";
import { updateLeader } from "../../src/scoring/index.js";
import { planSubmission, type PlanSubmissionError, sendSubmission, type PreparedSubmission } from "../../src/miner/index.js";
import { registerHotkeys, startChainUnderTest, stopChainUnderTest, type Chopsticks } from "../chain/chopsticks.js";

const REPO = path.join(import.meta.dirname, "..", "..");
const NETUID = 1;

let node: Chopsticks;
let client: SubtensorClient;
let dev: WsProvider;
let alice: KeyringPair;
let bob: KeyringPair;
let charlie: KeyringPair;

function hparamsWith(overrides: Record<string, unknown>): Hparams {
  const base = JSON.parse(readFileSync(path.join(REPO, "hparams", "hparams.json"), "utf8")) as Record<string, unknown>;
  return parseHparams({ ...base, netuid: NETUID, burn_uid: 0, ...overrides })._unsafeUnwrap();
}

function prepared(url: string): PreparedSubmission {
  return { committedUrl: url, codeHash: "7acd895296756fe962cc31318ad5f68a", sha256: "", sizeBytes: 80, scan: { ok: true } as PreparedSubmission["scan"], margin: 40, thinMargin: false };
}

/** The text of a hotkey's plain commitment on chain, or `null`. */
async function committedText(hotkey: string): Promise<string | null> {
  const c = (await client.readCommitment(NETUID, hotkey))._unsafeUnwrap();
  const field = c?.fields.find((f) => f.kind === "raw" || f.kind === "bigRaw");
  return field && "data" in field ? new TextDecoder().decode(field.data) : null;
}

beforeAll(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: "sr25519", ss58Format: 42 });
  [alice, bob, charlie] = ["//Alice", "//Bob", "//Charlie"].map((u) => keyring.addFromUri(u)) as [KeyringPair, KeyringPair, KeyringPair];
  ({ node, client, dev } = await startChainUnderTest());
  await registerHotkeys(client, dev, NETUID, [alice, bob]); // uid 0 (the burn uid) and uid 1
}, 180_000);

afterAll(async () => {
  await stopChainUnderTest({ node, client, dev });
});

// Before any commitment of bob's: his rate-limit window is open.
describe("planSubmission, the dry run (chopsticks)", () => {
  test("behavior: every pre-check passes and the exact commitment is planned; nothing is sent", async () => {
    const hparams = hparamsWith({ payment: { enabled: false } });
    const head = (await client.blockNumber())._unsafeUnwrap();
    const plan = (await planSubmission({ client, hparams, prepared: prepared("https://example.com/plan.py"), hotkey: bob.address, plain: true }))._unsafeUnwrap();
    expect(plan).toMatchObject({ uid: 1, netuid: NETUID, plain: true, fee: null, revealRound: null, commitment: "7acd895296756fe962cc31318ad5f68a:https://example.com/plan.py" });
    expect(plan.costBytes).toBeGreaterThan(plan.commitment.length);
    expect(plan.expectedRevealBlock).toBeGreaterThan(head);
    expect((await client.blockNumber())._unsafeUnwrap()).toBe(head); // no block: nothing was sent
    expect(await committedText(bob.address)).toBeNull();
  });

  test("error: each refusal of sending refuses the plan too, sending nothing", async () => {
    const head = (await client.blockNumber())._unsafeUnwrap();
    const plan = async (over: Partial<Parameters<typeof planSubmission>[0]>, hp: Record<string, unknown> = { payment: { enabled: false } }): Promise<PlanSubmissionError> =>
      (await planSubmission({ client, hparams: hparamsWith(hp), prepared: prepared("https://example.com/plan.py"), hotkey: bob.address, plain: true, ...over }))._unsafeUnwrapErr();
    expect(await plan({ hotkey: charlie.address })).toMatchObject({ type: "HotkeyNotRegistered" });
    expect(await plan({}, { payment: { enabled: true } })).toMatchObject({ type: "ColdkeyRequired" });
    // With a coldkey the fee's own pre-checks run (spec 218 cannot pay: no transfer_stake, or no balance).
    expect(["PaymentPrecheck", "UnsupportedCall"]).toContain((await plan({ coldkey: charlie.address }, { payment: { enabled: true } })).type);
    expect(await plan({ prepared: { ...prepared(`https://example.com/${"x".repeat(100)}.py`) } })).toMatchObject({ type: "CommitmentTooLong" });
    expect((await client.blockNumber())._unsafeUnwrap()).toBe(head);
  });
});

describe("sendSubmission (chopsticks)", () => {
  test("behavior: an earlier payment goes into the commitment's payment form; nothing is paid again", async () => {
    const hparams = hparamsWith({ payment: { enabled: true } });
    let paid = 0;
    const receipt = (await sendSubmission({
      client, hparams, prepared: prepared("https://example.com/a.py"), hotkey: bob, plain: true,
      existingPayment: { blockNumber: 5, extrinsicIndex: 1 }, onPaid: () => void paid++, confirmPayment: () => { throw new Error("must not ask"); },
    }))._unsafeUnwrap();
    expect(paid).toBe(0);
    expect(receipt).toMatchObject({ uid: 1, plain: true, commitment: "7acd895296756fe962cc31318ad5f68a:5:1:https://example.com/a.py", payment: { reused: true, block: 5, extrinsicIndex: 1 } });
    expect(await committedText(bob.address)).toBe(receipt.commitment);
  });

  test("error: the validators' rate limit refuses a second commitment before anything is sent", async () => {
    const hparams = hparamsWith({ payment: { enabled: false }, min_blocks_between_commits: 360 });
    const before = await committedText(bob.address);
    const e = (await sendSubmission({ client, hparams, prepared: prepared("https://example.com/b.py"), hotkey: bob, plain: true }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ type: "RateLimitPrecheck" });
    expect(e.message).toMatch(/commit at or after block \d+/);
    expect(await committedText(bob.address)).toBe(before);
  });

  test("error: payments enabled and no coldkey (nor an earlier payment): nothing is sent", async () => {
    const hparams = hparamsWith({ payment: { enabled: true }, min_blocks_between_commits: 0 });
    const before = await committedText(bob.address);
    const e = (await sendSubmission({ client, hparams, prepared: prepared("https://example.com/c.py"), hotkey: bob, plain: true }))._unsafeUnwrapErr();
    expect(e.type).toBe("ColdkeyRequired");
    expect(await committedText(bob.address)).toBe(before);
  });

  test("behavior: the burn uid commits the legacy form without paying", async () => {
    const hparams = hparamsWith({ payment: { enabled: true } });
    const receipt = (await sendSubmission({ client, hparams, prepared: prepared("https://example.com/burn.py"), hotkey: alice, plain: true }))._unsafeUnwrap();
    expect(receipt).toMatchObject({ uid: 0, payment: null, commitment: "7acd895296756fe962cc31318ad5f68a:https://example.com/burn.py" });
    expect(await committedText(alice.address)).toBe(receipt.commitment);
  });

  test("error: an unregistered hotkey is refused before anything is sent", async () => {
    const hparams = hparamsWith({ payment: { enabled: false } });
    const e = (await sendSubmission({ client, hparams, prepared: prepared("https://example.com/d.py"), hotkey: charlie, plain: true }))._unsafeUnwrapErr();
    expect(e.type).toBe("HotkeyNotRegistered");
    expect(await committedText(charlie.address)).toBeNull();
  });

  test("behavior: crusades status prints the validator's view a line per commitment (outcome, submission, MFU, error) and the MFU to beat", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "crusades-status-text-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const hparams = hparamsWith({});
    const hparamsFile = path.join(dir, "hparams.json");
    writeFileSync(hparamsFile, JSON.stringify({ ...JSON.parse(readFileSync(path.join(REPO, "hparams", "hparams.json"), "utf8")), netuid: NETUID }));
    const apiStore = openStore(path.join(dir, "api.db"))._unsafeUnwrap();
    const v = hparams.competition_version;
    insertSubmission(apiStore, { submissionId: "s-ok", minerHotkey: bob.address, minerUid: 1, codeHash: "a".repeat(32), bucketPath: "https://example.com/a.py", specVersion: v, revealBlock: 5, paymentVerified: false });
    insertSubmission(apiStore, { submissionId: "s-bad", minerHotkey: bob.address, minerUid: 1, codeHash: "b".repeat(32), bucketPath: "https://example.com/b.py", specVersion: v, revealBlock: 7, paymentVerified: false });
    updateSubmission(apiStore, "s-ok", { status: "finished", finalScore: 51.25, finishedBlock: 6 });
    updateSubmission(apiStore, "s-bad", { status: "failed", errorCode: "fatal:weight_mismatch", finishedBlock: 8 });
    applyLeaderUpdate(apiStore, v, updateLeader(getLeaderState(apiStore, v), { submissionId: "s-ok", score: 51.25, block: 6 }, hparams.adaptive_threshold)._unsafeUnwrap());
    const entry = (revealBlock: number, outcome: "accepted" | "rate_limited", submissionId: string | null, reason: string | null) =>
      recordIngested(apiStore, { hotkey: bob.address, revealBlock, payloadSha256: `p${revealBlock}`, source: "plain", listIndex: 0, uid: 1, rawText: null, outcome, reason, submissionId, specVersion: v, ingestedBlock: revealBlock });
    entry(5, "accepted", "s-ok", null);
    entry(7, "accepted", "s-bad", null);
    entry(9, "rate_limited", null, "351 blocks too early");
    const api = createApiServer({ store: apiStore, hparams, host: "127.0.0.1", port: 0, currentBlock: async () => 10 });
    const { url } = await api.listen();
    onTestFinished(async () => {
      await api.close();
      apiStore.close();
    });
    const out: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: () => undefined, env: { CRUSADES_HPARAMS_PATH: hparamsFile }, cwd: REPO };
    expect(await runStatus(["--hotkey", bob.address, "--network", node.url, "--plain", "--api", url], io)).toBe(0);
    const text = out.join("");
    expect(text).toContain("reveal block 9 (plain): rate_limited: 351 blocks too early\n");
    expect(text).toContain("reveal block 7 (plain): accepted -> submission s-bad failed (fatal:weight_mismatch)\n");
    expect(text).toContain("reveal block 5 (plain): accepted -> submission s-ok finished, MFU 51.25%\n");
    expect(text).toMatch(/leader: s-ok at MFU 51\.25%; to take the lead: more than 51\.7\d% \(threshold 1\.00%\)/);
  });

  test("behavior: crusades status --json shows the commitment and the rate-limit window sendSubmission enforces", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "crusades-status-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const hparamsFile = path.join(dir, "hparams.json");
    writeFileSync(hparamsFile, JSON.stringify({ ...JSON.parse(readFileSync(path.join(REPO, "hparams", "hparams.json"), "utf8")), netuid: NETUID }));
    const out: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: () => undefined, env: { CRUSADES_HPARAMS_PATH: hparamsFile }, cwd: REPO };
    // A validator's API over an empty store: the leader record and this hotkey's ingestion outcomes.
    const apiStore = openStore(path.join(dir, "api.db"))._unsafeUnwrap();
    const api = createApiServer({ store: apiStore, hparams: hparamsWith({}), host: "127.0.0.1", port: 0, currentBlock: async () => 10 });
    const { url } = await api.listen();
    onTestFinished(async () => {
      await api.close();
      apiStore.close();
    });
    expect(await runStatus(["--hotkey", bob.address, "--network", node.url, "--json", "--plain", "--api", url], io)).toBe(0);
    const report = JSON.parse(out.join("")) as { subnetExists: boolean; leader: { leader_id: string | null; current_threshold: number }; validator: unknown; registered: boolean; uid: number; pending: { block: number } | null; newestRevealBlock: number; earliestCommitBlock: number; block: number };
    expect(report).toMatchObject({ subnetExists: true, registered: true, uid: 1, leader: { leader_id: null } });
    expect(Array.isArray(report.validator) || typeof report.validator === "object").toBe(true);
    expect(report.newestRevealBlock).toBe(report.pending!.block);
    expect(report.earliestCommitBlock).toBe(report.newestRevealBlock + hparamsWith({}).min_blocks_between_commits - 1);
    expect(report.earliestCommitBlock).toBeGreaterThan(report.block);
  });
});
