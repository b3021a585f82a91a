/** Shared set-up of the compute tests: keys, the torch interpreter, an agent with a real prover. */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type CallerPolicy, type ComputeAgent, type ComputeAgentOptions, createComputeAgent, createProcessProverLauncher, type HotkeySigner, hotkeySignerFromUri,
} from "../../src/compute/index.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const TORCH_PYTHON = "/usr/bin/python3";
export const CHEAT_PROVER = join(ROOT, "test", "compute", "fixtures", "cheat_prover.py");

/** Why the prover tests cannot run here, or `null` when /usr/bin/python3 has torch. */
export const TORCH_MISSING: string | null = (() => {
  if (!existsSync(TORCH_PYTHON)) return `${TORCH_PYTHON} does not exist`;
  try {
    execFileSync(TORCH_PYTHON, ["-c", "import torch, numpy"], { stdio: "ignore", timeout: 60_000 });
    return null;
  } catch {
    return `${TORCH_PYTHON} cannot import torch and numpy (Debian: apt-get install python3-torch)`;
  }
})();

export async function signer(uri: string): Promise<HotkeySigner> {
  return (await hotkeySignerFromUri(uri))._unsafeUnwrap();
}

/** An agent on 127.0.0.1 with the CPU prover (honest, or a cheat from the fixture). */
export async function startAgent(miner: HotkeySigner, policy: CallerPolicy, cheat?: { mode: string; env?: Record<string, string> }, extra: Partial<ComputeAgentOptions> = {}): Promise<{ agent: ComputeAgent; url: string }> {
  const launcher = createProcessProverLauncher({
    python: TORCH_PYTHON,
    script: cheat ? CHEAT_PROVER : undefined,
    args: ["--device", "cpu", "--threads", "1"],
    env: { ...process.env, ...(cheat ? { CRUSADES_CHEAT: cheat.mode, ...cheat.env } : {}) },
  });
  const agent = createComputeAgent({ signer: miner, policy, launcher, ...extra });
  const { port } = await agent.listen(0, "127.0.0.1");
  return { agent, url: `http://127.0.0.1:${port}` };
}
