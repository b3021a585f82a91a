/**
 * The validator daemon's scheduling against a real runtime (chopsticks, spec 218): the weights
 * task checks due-ness every tick against the newest metagraph and reads a fresh one only when
 * weights are due, so a weights interval of 50 ms sets weights once and does not hammer the node;
 * the metagraph sync task refreshes the metagraph on its own; aborting stops every task.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { WsProvider } from "@polkadot/api";
import { Keyring } from "@polkadot/keyring";
import type { KeyringPair } from "@polkadot/keyring/types";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { SubtensorClient } from "../../src/chain/index.js";
import { parseHparams } from "../../src/config/index.js";
import type { EvaluationRunner } from "../../src/evaluation/index.js";
import { latestWeightSet, openStore } from "../../src/store/index.js";
import { createLogger, type MaybeSetWeightsOutcome, runValidator } from "../../src/validator/index.js";
import { registerHotkeys, startChainUnderTest, stopChainUnderTest, type Chopsticks } from "../chain/chopsticks.js";

const REPO = path.join(import.meta.dirname, "..", "..");
const NETUID = 1;
let node: Chopsticks;
let client: SubtensorClient;
let dev: WsProvider;
let validator: KeyringPair;
let burn: KeyringPair;
let dir: string;

beforeAll(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: "sr25519", ss58Format: 42 });
  [validator, burn] = [keyring.addFromUri("//Alice"), keyring.addFromUri("//Bob")];
  ({ node, client, dev } = await startChainUnderTest());
  await registerHotkeys(client, dev, NETUID, [validator, burn]); // uid 0 (with a permit) and the burn uid 1
  dir = mkdtempSync(path.join(tmpdir(), "crusades-daemon-"));
}, 180_000);

afterAll(async () => {
  await stopChainUnderTest({ node, client, dev });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("runValidator (chopsticks)", () => {
  test("behavior: weights are set once when due (the node makes no block afterwards, so they stay not due); between due times the ticks read no metagraph; the sync task refreshes it; abort stops every task", async () => {
    const base = JSON.parse(readFileSync(path.join(REPO, "hparams", "hparams.json"), "utf8")) as Record<string, unknown>;
    const hparams = parseHparams({ ...base, netuid: NETUID, burn_uid: 1, set_weights_interval_blocks: 1 })._unsafeUnwrap();
    await dev.send("dev_newBlock", [{ count: 3 }]); // past the 1-block interval: weights are due
    const store = openStore(path.join(dir, "v.db"))._unsafeUnwrap();
    const weights: MaybeSetWeightsOutcome[] = [];
    let metagraphReads = 0;
    const controller = new AbortController();
    const running = runValidator({
      store, client, hparams, hotkey: validator, runner: {} as EvaluationRunner, workDir: dir, numGpus: 1, log: createLogger({ write: () => undefined }), signal: controller.signal,
      evaluate: false, ingestIntervalMs: 3_600_000, weightsIntervalMs: 50, metagraphIntervalMs: 1_000,
      onWeights: (o) => void weights.push(o), onMetagraph: () => void metagraphReads++,
    });
    for (let i = 0; i < 300 && weights.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(weights.map((w) => w.kind)).toEqual(["set"]);
    const readsAfterSetting = metagraphReads;
    await new Promise((r) => setTimeout(r, 2_500)); // ~50 weight ticks, ~2 sync refreshes
    controller.abort();
    await running;
    expect(weights).toHaveLength(1);
    const refreshes = metagraphReads - readsAfterSetting;
    expect(refreshes).toBeGreaterThanOrEqual(1); // the sync task
    expect(refreshes).toBeLessThanOrEqual(5); // not one per weight tick
    expect((await client.readWeights(NETUID, 0))._unsafeUnwrap()).toEqual([[1, 65535]]);
    expect(latestWeightSet(store)).toMatchObject({ outcome: "set", uids: [1] });
    store.close();
  }, 120_000);
});
