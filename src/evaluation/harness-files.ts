/**
 * The evaluation environment in the checkout (`environments/templar/`): where it is, its version,
 * and its harness hash (docs/evaluation-protocol.md §1.1, spec crusades.md §L.6), which the host
 * compares with the image's label.
 * @module
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Finds `environments/templar` by walking up from this module's file (source tree, `dist/` build or
 * an installed package), or `null`.
 */
export function findEnvironmentDir(from: string = fileURLToPath(import.meta.url)): string | null {
  let dir = dirname(from);
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, "environments", "templar");
    if (existsSync(join(candidate, "build-cpu-image.sh")) || existsSync(join(candidate, "VERSION"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/** The first line of `VERSION`, or `null` when absent. */
export function harnessVersion(environmentDir: string): string | null {
  try {
    const line = readFileSync(join(environmentDir, "VERSION"), "utf8").split("\n")[0]?.trim() ?? "";
    return line === "" ? null : line;
  } catch {
    return null;
  }
}

/** Tests are not part of the harness: any path component named `tests` (as `crusades_env/hashing.py`). */
function isTestPath(rel: string): boolean {
  return rel.split("/").includes("tests");
}

function pythonFiles(root: string, dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) pythonFiles(root, path, out);
    else if (entry.isFile() && entry.name.endsWith(".py")) {
      const rel = relative(root, path).split(sep).join("/");
      if (!isTestPath(rel)) out.push(rel);
    }
  }
}

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));

/**
 * The harness hash of §1.1: SHA-256 over `"<sha256>  <path>\n"` lines for every non-test `*.py`
 * under `crusades_env/`, plus `scan_facts.py` and `VERSION`, sorted by path (byte order).
 * @returns the hash and the manifest, or `null` when the environment is incomplete
 */
export function computeHarnessHash(environmentDir: string): { readonly hash: string; readonly manifest: string } | null {
  const pkg = join(environmentDir, "crusades_env");
  if (!existsSync(pkg)) return null;
  const files: string[] = [];
  pythonFiles(environmentDir, pkg, files);
  for (const extra of ["scan_facts.py", "VERSION"]) if (existsSync(join(environmentDir, extra))) files.push(extra);
  files.sort(byteOrder);
  const manifest = files
    .map((rel) => `${createHash("sha256").update(readFileSync(join(environmentDir, rel))).digest("hex")}  ${rel}\n`)
    .join("");
  return { hash: createHash("sha256").update(manifest, "utf8").digest("hex"), manifest };
}
