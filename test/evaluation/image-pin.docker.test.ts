/**
 * `sandbox.image_digest` (crusades.md §L.6): with a pin, the runner starts only on that image (its
 * content id or a registry digest); any other image is refused before a run, with both digests in
 * the message. Against the real engine and the CPU image; skips with the reason without them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Docker from "dockerode";
import { parseHparams } from "../../src/config/index.js";
import { describe, expect, test } from "vitest";
import { createEvaluationRunner, defaultImageTag, imageHasDigest } from "../../src/evaluation/index.js";
import { dockerUnavailableReason, ENV_DIR, REPO, testHparams, workDir } from "./docker-env.js";

const reason = await dockerUnavailableReason();

describe("imageHasDigest", () => {
  const id = `sha256:${"a".repeat(64)}`;
  const other = `sha256:${"b".repeat(64)}`;
  test("behavior: the content id or a repository digest matches", () => {
    expect(imageHasDigest({ id, repoDigests: [] }, id)).toBe(true);
    expect(imageHasDigest({ id, repoDigests: [`ghcr.io/x/eval@${other}`] }, other)).toBe(true);
  });
  test("error: anything else does not", () => {
    expect(imageHasDigest({ id, repoDigests: [`ghcr.io/x/eval@${id}`] }, other)).toBe(false);
    expect(imageHasDigest({ id, repoDigests: [] }, id.slice(0, -1))).toBe(false);
  });
});

describe("hparams: sandbox.image_digest", () => {
  test("error: a value that is not sha256:<64 hex> names the key", () => {
    const json = JSON.parse(readFileSync(join(REPO, "hparams", "hparams.json"), "utf8")) as Record<string, unknown>;
    const e = parseHparams({ ...json, sandbox: { image_digest: "latest" } })._unsafeUnwrapErr();
    expect(e.message).toMatch(/sandbox\.image_digest/);
  });
});

describe.skipIf(reason !== null)(`the pinned image on the engine${reason === null ? "" : ` (skipped: ${reason})`}`, () => {
  test("behavior: the CPU image's own id is accepted; another digest is refused before any run", async () => {
    const id = (await new Docker().getImage(defaultImageTag("cpu", ENV_DIR)).inspect()).Id;
    const dir = workDir();
    const ok = await createEvaluationRunner({ kind: "docker", hparams: testHparams({ sandbox: { image_digest: id } }), numGpus: 1, workDir: dir, image: "cpu", build: false });
    expect(ok.isOk(), ok.isErr() ? ok.error.message : "").toBe(true);
    const wrong = `sha256:${"0".repeat(64)}`;
    const refused = await createEvaluationRunner({ kind: "docker", hparams: testHparams({ sandbox: { image_digest: wrong } }), numGpus: 1, workDir: dir, image: "cpu", build: false });
    expect(refused._unsafeUnwrapErr().message).toContain(`${id}, not the pinned sandbox.image_digest ${wrong}`);
  });
});
