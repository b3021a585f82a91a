import { defineConfig } from "tsup";

/** The public modules; each is a `crusades/<module>` subpath in package.json `exports`. */
const MODULES = ["scanner", "config", "timelock", "verify", "mfu", "scoring", "chain", "compute", "evaluation", "store", "submission", "validator", "api", "miner"];

// Two builds: the SDK (one entry per public module, ESM + CJS + .d.ts) and the CLI (ESM only,
// with a shebang), so that importing the SDK never pulls in the CLI.
export default defineConfig([
  {
    entry: {
      "src/index": "src/index.ts",
      ...Object.fromEntries(MODULES.map((m) => [`src/${m}/index`, `src/${m}/index.ts`])),
    },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    shims: true,
    target: "node20",
    outDir: "dist",
  },
  {
    entry: { "bin/crusades": "bin/crusades.ts" },
    format: ["esm"],
    sourcemap: true,
    shims: true,
    target: "node20",
    outDir: "dist",
    banner: { js: "#!/usr/bin/env node" },
  },
]);
