/**
 * `crusades submit <url>`: the miner (spec crusades.md §B.7): every check a validator will make
 * (URL rules, the same SSRF-safe fetch, size, strict UTF-8, content rules, hash, the static scan,
 * the commitment's size), then registration, the rate-limit pre-check, the fee and the commitment.
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { loadColdkeyAddress, type PaymentQuote, type PaymentReceipt, type PaymentReference } from "../chain/index.js";
import type { Hparams } from "../config/index.js";
import { planSubmission, type PreparedSubmission, prepareSubmission, sendSubmission, type PrepareSubmissionError, type SendSubmissionError } from "../miner/index.js";
import { CHAIN_FLAGS, CHAIN_FLAGS_HELP, coldkeyOf, connect, hotkeyOf, walletLocation } from "./chain-options.js";
import { loadEffectiveHparams } from "./hparams.js";
import { type CliIo, EXIT, parsePositiveInt, UsageError } from "./io.js";

export const SUBMIT_HELP = `Usage: crusades submit <url> [options]

Checks the code at <url> exactly as validators will (URL rules, SSRF-safe fetch, size, strict UTF-8,
content rules, code hash, the static scan, the commitment's size), then pays the fee when the subnet
requires one (asking first), commits the URL timelocked, and writes a receipt.

Options:
  --dry-run                   every check, nothing paid or sent: the code's, then on the chain
                              registration, the rate limit, the fee's quote and the commitment's
                              size, reveal round and space (needs the wallet's addresses only)
  --offline                   with --dry-run: the code's checks only, no chain
  --plain                     a plain (not timelocked) commitment, for validators that accept them
  --yes                       pay without asking (scripts)
  --payment BLOCK:INDEX       use a fee paid earlier and not used yet (e.g. when its commitment
                              failed: the payment receipt names it) instead of paying again
  --force                     commit even when the static scan rejects the code (validators running
                              the same rules will reject it)
  --gpus N                    GPUs to scan for (default docker.num_gpus)
  --allow-private-hosts LIST  comma-separated private hosts the code may be fetched from (tests)
  --receipts DIR              where receipts go (default ~/.crusades/receipts)
  --json                      one JSON object on stdout
${CHAIN_FLAGS_HELP}
  -h, --help                  show this help

Exit status: 0 committed (or all checks passed with --dry-run), 1 refused by a check, 2 usage or I/O.
`;

function parsePaymentReference(text: string): PaymentReference {
  const m = /^([0-9]{1,10}):([0-9]{1,5})$/.exec(text);
  if (m === null) throw new UsageError(`--payment must be BLOCK:INDEX (the payment receipt's block and extrinsic index), got '${text}'`);
  return { blockNumber: Number(m[1]), extrinsicIndex: Number(m[2]) };
}

/** Writes a receipt file and returns its path. */
function writeReceipt(dir: string, kind: "payment" | "commitment", hotkey: string, body: object): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${hotkey.slice(0, 8)}-${kind}.json`);
  writeFileSync(file, JSON.stringify(body, null, 2) + "\n");
  return file;
}

/** The exit code of a refused submission: the chain unreachable is an I/O error (2), any check's refusal 1. */
function exitOf(e: { readonly type: string }): number {
  return e.type === "ChainConnection" || e.type === "ChainTimeout" || e.type === "ChainRpc" ? EXIT.usage : EXIT.rejected;
}

/** `--dry-run` on the chain: {@link planSubmission}, printed; nothing is paid or sent. */
async function dryRunOnChain(
  values: Parameters<typeof hotkeyOf>[0] & { plain: boolean; json: boolean },
  io: CliIo, hparams: Hparams, p: PreparedSubmission, existingPayment: PaymentReference | undefined, local: object, say: (line: string) => void,
): Promise<number> {
  const hotkey = await hotkeyOf(values, io);
  const coldkey = hparams.payment.enabled && existingPayment === undefined ? await loadColdkeyAddress(walletLocation(values, io)) : null;
  if (coldkey !== null && coldkey.isErr()) throw new UsageError(coldkey.error.message);
  const client = await connect(values, io);
  try {
    const planned = await planSubmission({
      client, hparams, prepared: p, hotkey: hotkey.address, plain: values.plain, ...(coldkey === null ? {} : { coldkey: coldkey.value }), ...(existingPayment ? { existingPayment } : {}),
    });
    if (planned.isErr()) {
      io.stderr(`crusades: ${planned.error.message} (dry run: nothing was paid or sent)\n`);
      return exitOf(planned.error);
    }
    const plan = planned.value;
    if (values.json) {
      io.stdout(JSON.stringify({ ...local, chain: plan }, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) + "\n");
      return EXIT.ok;
    }
    say(`hotkey ${plan.hotkey}: uid ${plan.uid} on subnet ${plan.netuid}; the validators' rate limit allows a commitment now (block ${plan.head})`);
    if (plan.fee !== null) say(`fee: ${plan.fee.feeRao} rao staked to ${plan.fee.burnHotkey}, ~${plan.fee.expectedAlpha} alpha (validators need >= ${plan.fee.minAlpha}) to ${plan.fee.destination}; coldkey balance ${plan.fee.freeBalanceRao} rao`);
    else say(existingPayment ? `fee: the earlier payment ${existingPayment.blockNumber}:${existingPayment.extrinsicIndex} would be referred to` : "fee: none due");
    say(`commitment: ${plan.commitment.length}/128 characters, ${plan.costBytes} bytes of commitment space${plan.plain ? ", plain" : `, timelocked to round ${plan.revealRound}`}; validators would see it at block ~${plan.expectedRevealBlock}`);
    io.stdout("dry run: every check passed, on the chain too; nothing was paid or sent\n");
    return EXIT.ok;
  } finally {
    await client.disconnect();
  }
}

function describeError(e: PrepareSubmissionError | SendSubmissionError): string {
  return e.message;
}

/** Runs the command; returns the exit code. */
export async function runSubmit(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      ...CHAIN_FLAGS,
      "dry-run": { type: "boolean", default: false },
      offline: { type: "boolean", default: false },
      plain: { type: "boolean", default: false },
      yes: { type: "boolean", default: false },
      payment: { type: "string" },
      force: { type: "boolean", default: false },
      gpus: { type: "string" },
      "allow-private-hosts": { type: "string" },
      receipts: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout(SUBMIT_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError("submit needs exactly one URL (see crusades submit --help)");
  const hparams = loadEffectiveHparams(io);
  const gpus = parsePositiveInt(values.gpus, "--gpus") ?? hparams.docker.num_gpus;
  const allowPrivateHosts = (values["allow-private-hosts"] ?? "").split(",").map((h) => h.trim()).filter((h) => h !== "");
  const existingPayment = values.payment === undefined ? undefined : parsePaymentReference(values.payment);
  const say = (line: string) => {
    if (!values.json) io.stderr(line + "\n");
  };

  const prepared = await prepareSubmission({
    url: positionals[0]!, gpus, withPayment: hparams.payment.enabled, currentBlock: null,
    fetch: { timeoutMs: hparams.code_fetch_timeout * 1000, maxRedirects: hparams.download.max_redirects, allowedHosts: hparams.download.allowed_hosts, ...(allowPrivateHosts.length ? { allowPrivateHosts } : {}) },
  });
  if (prepared.isErr()) {
    io.stderr(`crusades: ${describeError(prepared.error)}\n`);
    return prepared.error.type === "ScannerLoad" ? EXIT.usage : EXIT.rejected;
  }
  const p = prepared.value;
  say(`code: ${p.sizeBytes} bytes, hash ${p.codeHash}, committed URL ${p.committedUrl}`);
  say(`commitment size: ${128 - p.margin}/128 characters${p.thinMargin ? " (WARNING: fewer than 5 characters to spare)" : ""}`);
  if (!p.scan.ok) {
    for (const v of p.scan.violations) io.stderr(`  ${v.line}:${v.col} ${v.rule}: ${v.message}\n`);
    // A BOM is refused even with --force (§B.5): every validator's CPython parse fails on it.
    if (p.scan.violations.some((v) => v.rule === "input.bom")) {
      io.stderr("crusades: the file starts with a UTF-8 byte-order mark, which no validator can parse; remove it (--force does not override this). Nothing was paid or sent.\n");
      return EXIT.rejected;
    }
    if (!values.force) {
      io.stderr(`crusades: the static scan rejects this code (${p.scan.violations.length} violation(s)); validators would reject it. Nothing was paid or sent.\n`);
      return EXIT.rejected;
    }
    io.stderr("WARNING: --force: committing code the static scan rejects; validators running the same rules will reject it\n");
  } else say(`static scan: ok (rules ${p.scan.rulesHash.slice(0, 12)})`);
  if (values.offline && !values["dry-run"]) throw new UsageError("--offline goes with --dry-run");
  if (values["dry-run"]) {
    const local = { dryRun: true, url: p.committedUrl, codeHash: p.codeHash, sha256: p.sha256, sizeBytes: p.sizeBytes, commitmentChars: 128 - p.margin, scanOk: p.scan.ok, violations: p.scan.violations };
    if (values.offline) {
      if (values.json) io.stdout(JSON.stringify({ ...local, chain: null }) + "\n");
      else io.stdout("dry run (offline): the code's checks passed; the chain was not asked; nothing was paid or sent\n");
      return EXIT.ok;
    }
    return dryRunOnChain(values, io, hparams, p, existingPayment, local, say);
  }

  const hotkey = await hotkeyOf(values, io);
  const needsColdkey = hparams.payment.enabled && existingPayment === undefined;
  const coldkey = needsColdkey ? await coldkeyOf(values, io) : undefined;
  const client = await connect(values, io);
  try {
    const confirmPayment = async (q: PaymentQuote): Promise<boolean> => {
      say(`fee: ${q.feeRao} rao staked to ${q.burnHotkey}, then ~${q.expectedAlpha} alpha (validators need >= ${q.minAlpha}) transferred to ${q.destination}`);
      if (values.yes) return true;
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await rl.question("Pay the fee and commit? [y/N] ")).trim());
      } finally {
        rl.close();
      }
    };
    const receipts = values.receipts ?? join(io.env.HOME ?? homedir(), ".crusades", "receipts");
    // The payment's own receipt is written the moment the fee is paid: a commitment that then
    // fails loses nothing, and the miner can commit again with --payment instead of paying twice.
    let paidReceipt: string | null = null;
    let paid: PaymentReference | null = null;
    const onPaid = (payment: PaymentReceipt) => {
      paid = payment.reference;
      paidReceipt = writeReceipt(receipts, "payment", hotkey.address, {
        kind: "payment", hotkey: hotkey.address, netuid: hparams.netuid, url: p.committedUrl, codeHash: p.codeHash,
        feeRao: payment.feeRao.toString(), alphaAmount: payment.alphaAmount.toString(), block: payment.reference.blockNumber,
        extrinsicIndex: payment.reference.extrinsicIndex, blockHash: payment.blockHash, destination: payment.destination, createdAt: new Date().toISOString(),
      });
      say(`fee paid at block ${payment.reference.blockNumber}, extrinsic ${payment.reference.extrinsicIndex}; payment receipt: ${paidReceipt}`);
    };
    const sent = await sendSubmission({
      client, hparams, prepared: p, hotkey, plain: values.plain, confirmPayment, onPaid, ...(coldkey ? { coldkey } : {}), ...(existingPayment ? { existingPayment } : {}),
    });
    if (sent.isErr()) {
      io.stderr(`crusades: ${describeError(sent.error)}\n`);
      const ref = paid as PaymentReference | null;
      if (ref !== null) {
        io.stderr(`crusades: the fee WAS paid (receipt ${paidReceipt}); commit again without paying: crusades submit ${p.committedUrl} --payment ${ref.blockNumber}:${ref.extrinsicIndex}\n`);
      }
      return exitOf(sent.error);
    }
    const receipt = sent.value;
    const file = writeReceipt(receipts, "commitment", receipt.hotkey, receipt);
    if (values.json) io.stdout(JSON.stringify({ ...receipt, receiptPath: file }) + "\n");
    else io.stdout(`committed${receipt.plain ? " (plain)" : ` (timelocked, round ${receipt.revealRound})`}; validators should see it at block ~${receipt.expectedRevealBlock}\nreceipt: ${file}\n`);
    return EXIT.ok;
  } finally {
    await client.disconnect();
  }
}
