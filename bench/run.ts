/**
 * `npm run bench -- <name>`: runs bench/<name>.ts, which prints its figures and, as its last line,
 * one JSON object of them. Record results with the command and date in docs/benchmarks.md.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const dir = import.meta.dirname;
const available = readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "run.ts").map((f) => f.slice(0, -3));
const [name, ...rest] = process.argv.slice(2);
if (name === undefined || !existsSync(join(dir, `${name}.ts`)) || name === "run") {
  process.stderr.write(`usage: npm run bench -- <name>   (one of: ${available.sort().join(", ")})\n`);
  process.exit(2);
}
const result = spawnSync(process.execPath, ["--import", "tsx", join(dir, `${name}.ts`), ...rest], { stdio: "inherit" });
process.exit(result.status ?? 1);
