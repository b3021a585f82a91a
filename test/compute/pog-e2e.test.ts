/**
 * Proof-of-GPU end to end on the CPU (compute.md §10.2): the real agent on 127.0.0.1, the real
 * Python prover (/usr/bin/python3 with torch) with small matrices, and the validator's run.
 * An honest prover passes; cheating ones (wrong rows, a lower-precision shortcut, reused
 * results, a false GPU model, a replayed response) are caught.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ok } from "neverthrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ComputeAgent, createComputeClient, type HotkeySigner, type PogDevice, runPog, type RunPogOptions, UNIMPLEMENTED_LEASE_BACKEND } from "../../src/compute/index.js";
import { findGpu, type GpuSpec } from "../../src/mfu/index.js";
import { signer, startAgent, TORCH_MISSING } from "./helpers.js";

const SIZE: RunPogOptions["size"] = () => ({ n: 48, steps: 3 });
const TEST_SPEC: GpuSpec = { ...(findGpu("L4")._unsafeUnwrap()), id: "CPU-TEST", aliases: ["cpu"], memoryGB: 1, nvmlMemoryMiB: 1024 };
const CPU_IDENTIFY: RunPogOptions["identify"] = {
  lookup: (name) => (name === "cpu" ? ok(TEST_SPEC) : findGpu(name)),
  calibration: { "CPU-TEST": { tflops: { fp16: 1e-9, bf16: 1e-9, fp32: 1e-9 }, nvmlMemoryMiB: 1024, source: "test: any CPU" } },
};

describe.skipIf(TORCH_MISSING !== null)(`proof-of-GPU on the CPU${TORCH_MISSING ? ` (skipped: ${TORCH_MISSING})` : ""}`, () => {
  let validator: HotkeySigner;
  let miner: HotkeySigner;
  const agents: ComputeAgent[] = [];
  const servers: Server[] = [];
  const dir = mkdtempSync(join(tmpdir(), "crusades-pog-"));

  beforeAll(async () => {
    validator = await signer("//Alice");
    miner = await signer("//Bob");
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
    for (const s of servers) s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function agentUrl(cheat?: { mode: string; env?: Record<string, string> }): Promise<string> {
    const { agent, url } = await startAgent(miner, { allowHotkeys: [validator.address] }, cheat);
    agents.push(agent);
    return url;
  }
  const pog = (url: string, options: RunPogOptions = {}) =>
    runPog(createComputeClient({ baseUrl: url, signer: validator, minerHotkey: miner.address }), { size: SIZE, ...options });

  it("behavior: an honest prover passes; the CPU is identified only against a calibrated test model", async () => {
    const url = await agentUrl();
    const plain = (await pog(url))._unsafeUnwrap();
    expect(plain.device).toBe("cpu");
    expect(plain.runs.map((r) => [r.precision, r.n, r.steps, r.openings.length])).toEqual([["fp16", 48, 3, 3], ["fp32", 48, 3, 3]]);
    expect(plain.gpus[0]?.identification?.status).toBe("unknown_gpu");
    expect(plain.verifiedCount).toBe(0);
    expect(plain.rttMs).toBeGreaterThan(0);

    const identified = (await pog(url, { identify: CPU_IDENTIFY, precisions: ["bf16", "fp32"] }))._unsafeUnwrap();
    expect(identified.gpus[0]?.identification?.status).toBe("identified");
    expect(identified.gpus[0]?.tflops.bf16).toBeGreaterThan(0);
    expect([identified.model, identified.verifiedCount]).toEqual(["CPU-TEST", 1]);
  });

  it("error: wrong rows are a hard row_mismatch", async () => {
    const r = await pog(await agentUrl({ mode: "wrong-rows" }));
    expect(r._unsafeUnwrapErr()).toMatchObject({ type: "pog_failed", severity: "hard", reason: "row_mismatch" });
  });

  it("error: a lower-precision shortcut (fp8-like inputs) is a hard row_mismatch", async () => {
    const r = await pog(await agentUrl({ mode: "low-precision" }), { precisions: ["fp16"] });
    expect(r._unsafeUnwrapErr()).toMatchObject({ severity: "hard", reason: "row_mismatch" });
  });

  it("error: results reused from an earlier challenge fail", async () => {
    const url = await agentUrl({ mode: "reuse", env: { CRUSADES_CHEAT_FILE: join(dir, "seed") } });
    expect((await pog(url, { precisions: ["fp16"] })).isOk()).toBe(true);
    const again = await pog(url, { precisions: ["fp16"] });
    expect(again._unsafeUnwrapErr()).toMatchObject({ severity: "hard", reason: "row_mismatch" });
  });

  it("behavior: a false GPU model is a model_mismatch (the GPU does not count, the run is not a hard failure)", async () => {
    const r = (await pog(await agentUrl({ mode: "lie-model" }), { identify: CPU_IDENTIFY }))._unsafeUnwrap();
    const id = r.gpus[0]?.identification;
    expect(id).toMatchObject({ status: "model_mismatch", model: "H100 80GB HBM3" });
    expect(id?.reasons.some((line) => line.startsWith("fp16 throughput"))).toBe(true);
    expect(r.verifiedCount).toBe(0);
  });

  it("error: a replayed response (recorded openings served to a later run) is a hard auth failure", async () => {
    const target = new URL(await agentUrl());
    let recorded: { status: number; headers: Record<string, string>; body: Buffer } | undefined;
    const proxy = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      if (req.url === "/v1/pog/open" && recorded) {
        res.writeHead(recorded.status, recorded.headers).end(recorded.body);
        return;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k.startsWith("x-crusades-") || k === "content-type")) as Record<string, string>;
      const upstream = await fetch(new URL(req.url ?? "/", target), { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
      const body = Buffer.from(await upstream.arrayBuffer());
      const out = Object.fromEntries([...upstream.headers].filter(([k]) => k.startsWith("x-crusades-") || k === "content-type"));
      if (req.url === "/v1/pog/open") recorded = { status: upstream.status, headers: out, body };
      res.writeHead(upstream.status, out).end(body);
    });
    servers.push(proxy);
    await new Promise<void>((done) => proxy.listen(0, "127.0.0.1", done));
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    expect((await pog(url, { precisions: ["fp16"] })).isOk()).toBe(true);
    const replayed = await pog(url, { precisions: ["fp16"] });
    expect(replayed._unsafeUnwrapErr()).toMatchObject({ severity: "hard", reason: "auth_failed" });
    expect(replayed._unsafeUnwrapErr().message).toContain("request_nonce_mismatch");
  });

  it("error: an unreachable agent is a soft failure", async () => {
    const r = await pog("http://127.0.0.1:9", { precisions: ["fp16"] });
    expect(r._unsafeUnwrapErr()).toMatchObject({ severity: "soft", reason: "unreachable" });
  });

  it("behavior: a GPU under another's live lease is not offered, so it is not challenged (§10.2); its holder may re-verify it (§10.3)", async () => {
    const offered = (await pog(await agentUrl(), { precisions: ["fp32"] }))._unsafeUnwrap().inventory[0]!;
    const other = await signer("//Charlie");
    // The GPU is leased by `validator`: the backend leaves out only the other holders' GPUs.
    const leasedGpuUuids = (exceptHolder?: string) => (exceptHolder === validator.address ? [] : [offered.uuid]);
    const { agent, url } = await startAgent(miner, { allowHotkeys: [validator.address, other.address] }, undefined, { leases: { ...UNIMPLEMENTED_LEASE_BACKEND, leasedGpuUuids } });
    agents.push(agent);
    const byOther = await runPog(createComputeClient({ baseUrl: url, signer: other, minerHotkey: miner.address }), { size: SIZE, precisions: ["fp32"] });
    expect(byOther._unsafeUnwrapErr()).toMatchObject({ severity: "soft", reason: "nothing_to_challenge" });
    expect(byOther._unsafeUnwrapErr().record.inventory).toEqual([]);
    const byHolder = (await pog(url, { precisions: ["fp32"] }))._unsafeUnwrap();
    expect(byHolder.inventory.map((g) => g.uuid)).toEqual([offered.uuid]);
  });

  it("behavior: without a size override, an unknown device is not challenged", async () => {
    const r = await runPog(createComputeClient({ baseUrl: await agentUrl(), signer: validator, minerHotkey: miner.address }));
    expect(r._unsafeUnwrapErr()).toMatchObject({ severity: "soft", reason: "nothing_to_challenge" });
    expect((r._unsafeUnwrapErr().record.inventory as PogDevice[])[0]?.name).toBe("cpu");
  });
});
