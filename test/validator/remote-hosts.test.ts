/**
 * The validator's lease-host rules without running anything (compute.md §10.3): which places may
 * evaluate a submission, which hosts a report's runs came from, and the second-host confirmation
 * of a leader-changing result (agreement keeps the lower score; a same-key host, a failed re-run,
 * a disagreement or no independent place are refused).
 */
import { err, ok } from "neverthrow";
import { describe, expect, test } from "vitest";
import type { EvaluationReport, EvaluationRunner, RemoteHostIdentity, RunResult } from "../../src/evaluation/index.js";
import { confirmFailure, confirmLeaderChange, hostsOfRuns, placesFor, type RemoteHosts } from "../../src/validator/index.js";

const host = (hotkey: string, coldkey: string | null = null): RemoteHostIdentity => ({
  hotkey, coldkey, leaseId: "0".repeat(32), endpoint: `http://${hotkey}`, gpuVerification: "pog", gpuModel: "H100", gpuUuids: ["GPU-1"],
});
const runnerOn = (h: RemoteHostIdentity | null, name = h?.hotkey ?? "own"): EvaluationRunner => ({ kind: h ? "remote" : "docker", remoteHost: h, name } as unknown as EvaluationRunner);
const OWN = runnerOn(null);
const COLDKEYS: Record<string, string> = { hostA: "coldA", hostB: "coldB", hostC: "coldA", owner: "coldO", ownerA: "coldA" };

function remote(runners: EvaluationRunner[], over: Partial<RemoteHosts> = {}): RemoteHosts {
  return { runners: async () => runners, coldkeyOf: async (k) => COLDKEYS[k] ?? null, relativeTolerance: 0.02, ...over };
}
const names = (places: { runner: EvaluationRunner }[]) => places.map((p) => (p.runner as unknown as { name: string }).name);
const owner = (hotkey: string) => ({ hotkey, coldkey: COLDKEYS[hotkey] ?? null });

describe("placesFor", () => {
  test("behavior: independent lease hosts in order, then the own runner", async () => {
    const places = await placesFor(remote([runnerOn(host("hostA")), runnerOn(host("hostB"))]), OWN, owner("owner"));
    expect(names(places)).toEqual(["hostA", "hostB", "own"]);
    expect(places[0]!.host).toEqual({ hotkey: "hostA", coldkey: "coldA" }); // coldkey read from the chain
  });

  test("behavior: a host sharing the owner's coldkey (or hotkey) is never used for it", async () => {
    const r = remote([runnerOn(host("hostA")), runnerOn(host("hostB")), runnerOn(host("owner"))]);
    expect(names(await placesFor(r, OWN, owner("ownerA")))).toEqual(["hostB", "owner", "own"]); // hostA shares coldA
    expect(names(await placesFor(r, OWN, owner("owner")))).toEqual(["hostA", "hostB", "own"]); // the host "owner" is the owner's own hotkey
  });

  test("behavior: unknown coldkeys fail closed; ownGpus off leaves only lease hosts; hosts to avoid are left out by coldkey", async () => {
    expect(names(await placesFor(remote([runnerOn(host("hostX"))]), OWN, owner("owner")))).toEqual(["own"]);
    expect(names(await placesFor(remote([runnerOn(host("hostA"))]), OWN, owner("nobody")))).toEqual(["own"]);
    expect(names(await placesFor(remote([runnerOn(host("hostA"))], { ownRunner: false }), OWN, owner("owner")))).toEqual(["hostA"]);
    expect(names(await placesFor(remote([runnerOn(host("hostA")), runnerOn(host("hostB")), runnerOn(host("hostC"))]), OWN, owner("owner"), [{ hotkey: "hostA", coldkey: "coldA" }]))).toEqual(["hostB", "own"]);
  });
});

const run = (status: RunResult["status"], h: RemoteHostIdentity | null, runId = "r"): RunResult =>
  ({ runId, status, provenance: { remoteHost: h ? { ...h, referenceRecord: null, candidateRecord: null } : null } }) as unknown as RunResult;
const report = (score: number | null, runs: RunResult[] = []): EvaluationReport =>
  ({ runs, score: score === null ? { status: "failed_fatal", errorCode: "weight_mismatch", countedRuns: 1 } : { status: "finished", score, successes: 1, countedRuns: 1 } }) as unknown as EvaluationReport;

describe("hostsOfRuns", () => {
  test("behavior: distinct hosts of the counted runs; void runs and own runs do not count", () => {
    expect(hostsOfRuns([run("success", host("hostA", "coldA")), run("failed", host("hostA", "coldA")), run("void", host("hostB")), run("success", null)])).toEqual([{ hotkey: "hostA", coldkey: "coldA" }]);
  });
});

describe("confirmFailure", () => {
  const failedFirst = report(null, [run("failed", host("hostA", "coldA"))]);
  const evaluate = (score: number | null) => async () => ok(report(score));

  test("behavior: the failure stands when the second place fails it too", async () => {
    const r = (await confirmFailure({ remote: remote([runnerOn(host("hostA"))]), own: OWN, owner: owner("owner"), first: failedFirst, evaluate: evaluate(null) }))._unsafeUnwrap();
    expect(r.second.host).toBeNull();
  });

  test("error: a host cannot fail alone: the second place scoring it is a disagreement", async () => {
    const e = (await confirmFailure({ remote: remote([runnerOn(host("hostA"))]), own: OWN, owner: owner("owner"), first: failedFirst, evaluate: evaluate(55) }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ type: "second_host_rejected", reason: "disagrees" });
    expect(e.message).toMatch(/own GPUs scored it 55/);
  });
});

describe("confirmLeaderChange", () => {
  const first = report(60, [run("success", host("hostA", "coldA"))]);
  const evaluateWith = (scores: Record<string, number | null>) => {
    const used: string[] = [];
    return {
      used,
      evaluate: async (r: EvaluationRunner) => {
        const name = (r as unknown as { name: string }).name;
        used.push(name);
        return ok(report(scores[name] ?? null));
      },
    };
  };

  test("behavior: the validator's own GPUs are preferred as the second place", async () => {
    const e = evaluateWith({ own: 60.5 });
    const r = (await confirmLeaderChange({ remote: remote([runnerOn(host("hostA")), runnerOn(host("hostB"))]), own: OWN, owner: owner("owner"), first, evaluate: e.evaluate }))._unsafeUnwrap();
    expect(e.used).toEqual(["own"]);
    expect([r.score, r.second.host]).toEqual([60, null]);
  });

  test("behavior: without own GPUs a second, independent host within the tolerance confirms the lower score", async () => {
    const e = evaluateWith({ hostB: 59.5 });
    const r = (await confirmLeaderChange({ remote: remote([runnerOn(host("hostA")), runnerOn(host("hostC")), runnerOn(host("hostB"))], { ownRunner: false }), own: OWN, owner: owner("owner"), first, evaluate: e.evaluate }))._unsafeUnwrap();
    expect(e.used).toEqual(["hostB"]); // hostA ran it, hostC shares hostA's coldkey
    expect(r.score).toBe(59.5);
    expect(r.second.host).toEqual({ hotkey: "hostB", coldkey: "coldB" });
  });

  test("behavior: without another host the validator's own GPUs confirm", async () => {
    const e = evaluateWith({ own: 61 });
    expect((await confirmLeaderChange({ remote: remote([runnerOn(host("hostA"))]), own: OWN, owner: owner("owner"), first, evaluate: e.evaluate }))._unsafeUnwrap().score).toBe(60);
    expect(e.used).toEqual(["own"]);
  });

  test("error: a disagreement, a failed re-run, no independent place, an error of the machinery", async () => {
    const hosts = remote([runnerOn(host("hostA")), runnerOn(host("hostB"))], { ownRunner: false });
    const confirm = (scores: Record<string, number | null>, r: RemoteHosts = hosts) => confirmLeaderChange({ remote: r, own: OWN, owner: owner("owner"), first, evaluate: evaluateWith(scores).evaluate });
    expect((await confirm({ hostB: 50 }))._unsafeUnwrapErr()).toMatchObject({ type: "second_host_rejected", reason: "disagrees" });
    expect((await confirm({ hostB: null }))._unsafeUnwrapErr()).toMatchObject({ type: "second_host_rejected", reason: "not_finished" });
    expect((await confirm({}, remote([runnerOn(host("hostA"))], { ownRunner: false })))._unsafeUnwrapErr()).toMatchObject({ type: "no_evaluation_host" });
    const broken = await confirmLeaderChange({ remote: hosts, own: OWN, owner: owner("owner"), first, evaluate: async () => err({ type: "evaluation_aborted", message: "stop" } as never) });
    expect(broken._unsafeUnwrapErr()).toMatchObject({ type: "evaluation_aborted" });
  });
});
