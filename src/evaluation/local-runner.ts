/**
 * The local runner (`crusades evaluate --runner local`): the same harness, the same run directory
 * and the same host-side verification, but the reference and the supervisor run as plain processes
 * of the current user (`python3` from PATH), for a miner's **own** code on a machine without Docker.
 * There is no sandbox and no user separation: a validator never uses it for other people's code.
 * @module
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { err, ok, type Result, ResultAsync } from "neverthrow";
import type { EvaluationError, LocalRunnerUnavailableError } from "./errors.js";
import { computeHarnessHash } from "./harness-files.js";
import type { LocalPaths } from "./params.js";
import type { RunDirectory } from "./run-dir.js";
import type { EvaluationRunner, StepInput, StepOutcome } from "./runner.js";
import { createLogSink } from "./log-sink.js";

/** The warning the CLI prints in local mode. */
export const LOCAL_RUNNER_WARNING =
  "--runner local runs the harness and YOUR code as plain processes of this user, without the container sandbox " +
  "(no network isolation, no separate users, no read-only root). It exists for a miner's own code on a machine " +
  "without Docker; a validator never uses it for other people's code.";

/** Options of {@link createLocalRunner}. */
export interface LocalRunnerOptions {
  /** The checkout's `environments/templar`. */
  readonly environmentDir: string;
  /** The prepared harness home ({@link prepareLocalHome}). */
  readonly home: LocalHome;
  readonly device: "cpu" | "cuda";
  readonly model: string;
  /** Threads per process (`OMP_NUM_THREADS`). @default 1 */
  readonly threadsPerProcess?: number;
  /** Extra environment for the processes (e.g. `CUDA_VISIBLE_DEVICES`). */
  readonly env?: Readonly<Record<string, string>>;
  /** The host's PATH. */
  readonly pathEnv: string;
}

/** What the local runner runs with: a venv that imports the checkout's harness even under `python -I`. */
export interface LocalHome {
  /** `CRUSADES_HOME`: `data/corpus.safetensors`, `scan_facts.py`. */
  readonly dir: string;
  /** The venv's interpreter (`sys.executable` of every harness process). */
  readonly python: string;
}

function exec(file: string, args: readonly string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(file, [...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
    child.stderr.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
    child.on("error", (e) => resolve({ code: null, output: e.message }));
    child.on("close", (code) => resolve({ code, output }));
  });
}

/**
 * Prepares (once per harness hash) the local runner's home under `cacheDir`: a
 * `venv --without-pip --system-site-packages` of `python` (so PyTorch comes from the system) whose
 * site-packages has a `.pth` naming the checkout's `environments/templar` — `python -I`, which the
 * harness uses for every process, then still imports `crusades_env` —, the generated token corpus,
 * and a copy of `scan_facts.py`. No root is needed.
 */
export function prepareLocalHome(options: { readonly environmentDir: string; readonly python: string; readonly cacheDir: string; readonly pathEnv: string }): ResultAsync<LocalHome, LocalRunnerUnavailableError> {
  const { environmentDir, python, cacheDir, pathEnv } = options;
  const run = async (): Promise<Result<LocalHome, LocalRunnerUnavailableError>> => {
    const tag = computeHarnessHash(environmentDir)?.hash.slice(0, 16) ?? "unversioned";
    const dir = join(cacheDir, `local-${tag}`);
    const venv = join(dir, "venv");
    const venvPython = join(venv, "bin", "python3");
    const fail = (message: string): Result<LocalHome, LocalRunnerUnavailableError> => err({ type: "local_runner_unavailable", message, cause: null });
    await mkdir(join(dir, "data"), { recursive: true });
    if (!existsSync(venvPython)) {
      const v = await exec(python, ["-m", "venv", "--without-pip", "--system-site-packages", venv], { PATH: pathEnv });
      if (v.code !== 0) return fail(`cannot create a venv with ${python}: ${v.output.trim().split("\n").pop() ?? ""}`);
    }
    const site = await exec(venvPython, ["-I", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], { PATH: pathEnv });
    if (site.code !== 0) return fail(`the venv's python does not run: ${site.output.trim()}`);
    await writeFile(join(site.output.trim(), "crusades.pth"), `${environmentDir}\n`);
    await copyFile(join(environmentDir, "scan_facts.py"), join(dir, "scan_facts.py"));
    const corpus = join(dir, "data", "corpus.safetensors");
    if (!existsSync(corpus)) {
      const g = await exec(venvPython, ["-I", "-B", "-m", "crusades_env.data", "--generate", corpus], { PATH: pathEnv, CRUSADES_HOME: dir });
      if (g.code !== 0) return fail(`cannot generate the token corpus: ${g.output.trim().split("\n").pop() ?? ""}`);
    }
    return ok({ dir, python: venvPython });
  };
  return new ResultAsync(run().catch((cause: unknown) => err({ type: "local_runner_unavailable" as const, message: `cannot prepare ${cacheDir}: ${(cause as Error).message}`, cause })));
}

/**
 * Checks that `python` runs and imports torch; the local runner's only prerequisite.
 * @returns the torch version and the CUDA device count
 */
export function probeLocalPython(python: string, pathEnv: string): ResultAsync<{ readonly torch: string; readonly cudaDevices: number }, LocalRunnerUnavailableError> {
  const script = "import torch, sys; sys.stdout.write('%s %d' % (torch.__version__, torch.cuda.device_count() if torch.cuda.is_available() else 0))";
  return new ResultAsync(
    new Promise<Result<{ readonly torch: string; readonly cudaDevices: number }, LocalRunnerUnavailableError>>((resolve) => {
      const child = spawn(python, ["-c", script], { env: { PATH: pathEnv }, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let errText = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString()));
      child.stderr.on("data", (c: Buffer) => (errText += c.toString()));
      child.on("error", (cause) => resolve(err({ type: "local_runner_unavailable", message: `cannot run ${python}: ${cause.message}`, cause })));
      child.on("close", (code) => {
        const [version = "", devices = "0"] = out.trim().split(" ");
        if (code === 0) resolve(ok({ torch: version, cudaDevices: Number(devices) || 0 }));
        else resolve(err({ type: "local_runner_unavailable", message: `${python} cannot import torch: ${errText.trim().split("\n").pop() ?? ""}`, cause: null }));
      });
    }),
  );
}

/** Runs one step as a process group with the host's deadline; SIGKILL to the group at the end. */
function runProcess(python: string, args: readonly string[], env: Record<string, string>, cwd: string, input: StepInput, logFile: string): ResultAsync<StepOutcome, EvaluationError> {
  return ResultAsync.fromSafePromise(
    new Promise<StepOutcome>((resolve) => {
      const t0 = performance.now();
      const log = createLogSink({
        path: join(input.dir.logsDir, logFile),
        onChunk: input.onOutput === undefined ? undefined : (_n, c) => c.toString("utf8").split("\n").filter((l) => l !== "").forEach((l) => input.onOutput!(l)),
      });
      const child = spawn(python, [...args], { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
      child.stdout.pipe(log.stream("stdout"));
      child.stderr.pipe(log.stream("stderr"));
      let end: StepOutcome["end"] = "exited";
      let hostError: string | null = null;
      const killGroup = (why: StepOutcome["end"]) => {
        if (end === "exited") end = why;
        try {
          if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      };
      const timer = setTimeout(() => killGroup("deadline_exceeded"), input.deadlineMs);
      const onAbort = () => killGroup("aborted");
      input.signal?.addEventListener("abort", onAbort, { once: true });
      child.on("error", (e) => (hostError = `cannot start ${python}: ${e.message}`));
      child.on("close", (code) => {
        clearTimeout(timer);
        input.signal?.removeEventListener("abort", onAbort);
        // Whatever the supervisor left behind (torchrun workers) goes with the group.
        killGroup(end);
        void log.close().then(() => resolve({ end, exitCode: code, oomKilled: false, durationMs: performance.now() - t0, hostError }));
      });
    }),
  );
}

/** Creates the local runner. */
export function createLocalRunner(options: LocalRunnerOptions): EvaluationRunner {
  const python = options.home.python;
  const threads = options.threadsPerProcess ?? 1;
  const env = (home: string): Record<string, string> => ({
    PATH: options.pathEnv,
    HOME: home,
    TMPDIR: home,
    CRUSADES_HOME: options.home.dir,
    PYTHONUNBUFFERED: "1",
    PYTHONDONTWRITEBYTECODE: "1",
    OMP_NUM_THREADS: String(threads),
    MKL_NUM_THREADS: String(threads),
    GLOO_SOCKET_IFNAME: "lo",
    NCCL_SOCKET_IFNAME: "lo",
    NCCL_IB_DISABLE: "1",
    HF_HUB_OFFLINE: "1",
    TRANSFORMERS_OFFLINE: "1",
    ...options.env,
  });
  // sun_path holds 107 bytes: keep the control socket in a short private directory.
  const ctlDirs = new Map<string, string>();
  const paths = (dir: RunDirectory, role: "reference" | "candidate"): LocalPaths => {
    let ctl = ctlDirs.get(dir.root);
    if (ctl === undefined) {
      ctl = mkdtempSync(join(tmpdir(), "crusades-ctl-"));
      ctlDirs.set(dir.root, ctl);
    }
    const d = dir.dirs;
    return {
      in: role === "reference" ? dir.referenceIn : dir.candidateIn,
      out: dir.runDir,
      initial: d.initial,
      shared: d.shared,
      secret: d.secret,
      handoff: d.candidate,
      sup: d.supervisor,
      ctl: join(ctl, "ctl.sock"),
    };
  };
  const step = (module: string, role: "reference" | "candidate", input: StepInput): ResultAsync<StepOutcome, EvaluationError> => {
    const home = join(input.dir.root, `home-${role}`);
    const inDir = role === "reference" ? input.dir.referenceIn : input.dir.candidateIn;
    return ResultAsync.fromPromise(mkdir(home, { recursive: true }), (cause): EvaluationError => ({
      type: "evaluation_io", message: `cannot create ${home}`, path: home, cause,
    })).andThen(() => runProcess(python, ["-I", "-B", "-m", `crusades_env.${module}`, join(inDir, "params.json")], env(home), home, input, `${role}.log`));
  };
  return {
    kind: "local",
    device: options.device,
    model: options.model,
    supervisorUid: null,
    chownRunDirs: false,
    launch: "spawn",
    paths,
    provenance: { imageId: null, imageTag: null, harnessHash: computeHarnessHash(options.environmentDir)?.hash ?? null, sandboxProfile: "local-unsandboxed" },
    runReference: (input) => step("reference", "reference", input),
    runCandidate: (input) => step("supervisor", "candidate", input),
  };
}
