/**
 * The hparams every command uses: $CRUSADES_HPARAMS_PATH, else ./hparams/hparams.json, else the
 * package's own copy.
 * @module
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { loadHparams, resolveHparamsPath, type Hparams } from "../config/index.js";
import { findEnvironmentDir } from "../evaluation/index.js";
import { type CliIo, UsageError } from "./io.js";

/** Loads the effective hparams; a missing or invalid file is a usage error naming the key. */
export function loadEffectiveHparams(io: CliIo): Hparams {
  let path = resolveHparamsPath(io.env, io.cwd);
  if (!existsSync(path) && !io.env.CRUSADES_HPARAMS_PATH) {
    const env = findEnvironmentDir();
    const packaged = env === null ? null : join(dirname(dirname(env)), "hparams", "hparams.json");
    if (packaged !== null && existsSync(packaged)) path = packaged;
  }
  const r = loadHparams(path);
  if (r.isErr()) throw new UsageError(r.error.message);
  return r.value;
}
