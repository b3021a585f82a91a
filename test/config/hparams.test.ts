import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { loadHparams, parseHparams, parseSizeBytes, resolveHparamsPath } from "../../src/config/index.js";
import { tempDir } from "../verify/helpers.js";

const FILE = resolve("hparams/hparams.json");
const json = () => JSON.parse(readFileSync(FILE, "utf8")) as Record<string, any>;

describe("loadHparams", () => {
  test("behavior: the project's hparams.json loads with §I values and derived defaults", () => {
    const h = loadHparams(FILE)._unsafeUnwrap();
    expect(h).toMatchObject({
      netuid: 3, burn_rate: 1, burn_uid: 1, eval_steps: 20, benchmark_batch_size: 16, competition_version: 19,
      docker: { num_gpus: 4, memory_limit: "320g", shm_size: "64g" },
      verification: { max_loss_difference: 0.4, min_params_changed_ratio: 0.75, weight_relative_error_max: 0.015, per_layer_relative_error_max: null },
      mfu: { gpu_peak_tflops: 312, max_plausible_mfu: 85, min_mfu: 50 },
      adaptive_threshold: { base_threshold: 0.01, decay_percent: 0.05, decay_interval_blocks: 100 },
      payment: { enabled: true, fee_rao: 50_000_000, archive_endpoint: "wss://archive.chain.opentensor.ai:443" },
      storage: { database_url: "sqlite+aiosqlite:///crusades.db" },
      basilica: { geo: null, spot: false },
      sandbox: { total_deadline_s: 3600, reference_deadline_s: 3600, pids_limit: 4096, handoff_max_bytes_factor: 1.1 },
      weights: { version_key: 9010001 },
      api: { code_disclosure: "after_superseded" },
    });
    expect(Object.isFrozen(h)).toBe(true);
    expect(Object.isFrozen(h.docker)).toBe(true);
    expect(Object.isFrozen(h.basilica.gpu_models)).toBe(true);
  });

  test("behavior: absent blocks take the code defaults of §I.1", () => {
    const j = json();
    for (const k of ["docker", "verification", "mfu", "adaptive_threshold", "payment", "sandbox"]) delete j[k];
    delete j.min_success_rate;
    const h = parseHparams(j)._unsafeUnwrap();
    expect(h.docker).toEqual({ num_gpus: 1, memory_limit: "32g", shm_size: "8g" });
    expect(h.verification).toMatchObject({ max_loss_difference: 0.3, min_params_changed_ratio: 0.7, weight_relative_error_max: 0.008 });
    expect(h.mfu).toEqual({ gpu_peak_tflops: 312, max_plausible_mfu: 75, min_mfu: 35 });
    expect(h.adaptive_threshold.base_threshold).toBe(0.002);
    expect(h.payment.fee_rao).toBe(100_000_000);
    expect(h.min_success_rate).toBe(0.5);
    expect(h.sandbox.pids_limit).toBe(1024);
  });

  test("error: names the key path", () => {
    const j = json();
    j.docker.num_gpus = "x";
    expect(parseHparams(j)._unsafeUnwrapErr()).toMatchObject({
      type: "hparams_invalid", key: "docker.num_gpus", message: 'docker.num_gpus: expected an integer >= 1 and <= 64, got "x"',
    });
    const k = json();
    delete k.netuid;
    expect(parseHparams(k)._unsafeUnwrapErr().message).toBe("netuid: required key is missing");
    const l = json();
    l.basilica.gpu_models = ["A100", 3];
    expect(parseHparams(l)._unsafeUnwrapErr().key).toBe("basilica.gpu_models[1]");
    const m = json();
    m.review.llm.enabled = "yes";
    expect(parseHparams(m)._unsafeUnwrapErr().key).toBe("review.llm.enabled");
    expect(parseHparams([])._unsafeUnwrapErr().message).toBe("(root): expected an object, got []");
  });

  test("behavior: api.code_disclosure_delay_blocks defaults to null (no delay) and takes a block count", () => {
    expect(parseHparams(json())._unsafeUnwrap().api).toEqual({ code_disclosure: "after_superseded", code_disclosure_delay_blocks: null });
    for (const delay of [0, 7200, null]) {
      const j = json();
      j.api.code_disclosure_delay_blocks = delay;
      expect(parseHparams(j)._unsafeUnwrap().api.code_disclosure_delay_blocks).toBe(delay);
    }
  });

  test("error: a code disclosure delay that is not a block count names the key", () => {
    for (const bad of [-1, 1.5, "100", true]) {
      const j = json();
      j.api.code_disclosure_delay_blocks = bad;
      expect(parseHparams(j)._unsafeUnwrapErr(), String(bad)).toMatchObject({
        key: "api.code_disclosure_delay_blocks", message: `api.code_disclosure_delay_blocks: expected an integer >= 0, got ${JSON.stringify(bad)}`,
      });
    }
  });

  test("behavior: unknown keys are ignored unless strict", () => {
    const j = { ...json(), future_key: 1 };
    expect(parseHparams(j).isOk()).toBe(true);
    expect(parseHparams(j, { strict: true })._unsafeUnwrapErr().key).toBe("future_key");
  });

  test("error: unreadable file and invalid JSON", () => {
    const dir = tempDir("crusades-hp-");
    expect(loadHparams(join(dir, "nope.json"))._unsafeUnwrapErr().type).toBe("hparams_read_failed");
    writeFileSync(join(dir, "bad.json"), "{");
    expect(loadHparams(join(dir, "bad.json"))._unsafeUnwrapErr().type).toBe("hparams_not_json");
    const j = json();
    j.mfu.min_mfu = 101;
    writeFileSync(join(dir, "range.json"), JSON.stringify(j));
    const e = loadHparams(join(dir, "range.json"))._unsafeUnwrapErr();
    expect(e.message).toBe(`${join(dir, "range.json")}: mfu.min_mfu: expected a finite number >= 0 and <= 100, got 101`);
  });

  test("behavior: any wrong-typed leaf is an Err naming that leaf (fuzz)", () => {
    const base = json();
    const leaves: string[][] = [];
    const walk = (o: any, path: string[]) => {
      for (const [k, v] of Object.entries(o)) {
        if (v !== null && typeof v === "object" && !Array.isArray(v)) walk(v, [...path, k]);
        else leaves.push([...path, k]);
      }
    };
    walk(base, []);
    fc.assert(
      fc.property(fc.constantFrom(...leaves), fc.constantFrom({ bad: true }, [[]], "zz", -7.5, true), (path, bad) => {
        const j = json();
        let o = j;
        for (const k of path.slice(0, -1)) o = o[k];
        const original = o[path.at(-1)!];
        if (typeof original === typeof bad && !Array.isArray(bad)) return;
        if (original === null && typeof bad === "number") return; // nullable numbers accept numbers... and -7.5 is out of range anyway
        o[path.at(-1)!] = bad;
        const r = parseHparams(j);
        expect(r.isErr()).toBe(true);
        expect(r._unsafeUnwrapErr().key.startsWith(path.join("."))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test("behavior: resolveHparamsPath honours CRUSADES_HPARAMS_PATH", () => {
    expect(resolveHparamsPath({}, "/srv")).toBe("/srv/hparams/hparams.json");
    expect(resolveHparamsPath({ CRUSADES_HPARAMS_PATH: "" }, "/srv")).toBe("/srv/hparams/hparams.json");
    expect(resolveHparamsPath({ CRUSADES_HPARAMS_PATH: "x/h.json" }, "/srv")).toBe("/srv/x/h.json");
    expect(resolveHparamsPath({ CRUSADES_HPARAMS_PATH: "/etc/h.json" }, "/srv")).toBe("/etc/h.json");
  });

  test("behavior: parseSizeBytes reads Docker-style sizes", () => {
    expect(parseSizeBytes("64g")).toBe(64 * 2 ** 30);
    expect(parseSizeBytes("320Gi")).toBe(320 * 2 ** 30);
    expect(parseSizeBytes("8GiB")).toBe(8 * 2 ** 30);
    expect(parseSizeBytes("512m")).toBe(512 * 2 ** 20);
    expect(parseSizeBytes("100")).toBe(100);
    expect(parseSizeBytes("1.5k")).toBe(1536);
    expect(parseSizeBytes("g")).toBeNull();
    expect(parseSizeBytes("8x")).toBeNull();
  });
});
