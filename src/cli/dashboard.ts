/**
 * `crusades dashboard [--url URL] [--refresh S] [--api-key KEY] [--once] [--json]` (spec
 * crusades.md §J.4): the terminal dashboard over a validator's API. Interactive on a terminal;
 * `--once`, or a stdout that is not a terminal, prints one frame without colours; `--json` prints
 * the fetched data.
 * @module
 */
import { parseArgs } from "node:util";
import {
  applySnapshot,
  createDashboardClient,
  createDashboardModel,
  DEFAULT_DASHBOARD_URL,
  fetchSnapshot,
  INITIAL_UI_STATE,
  renderDashboard,
  runInteractiveDashboard,
  type TerminalInput,
  type TerminalOutput,
} from "../tui/index.js";
import { type CliIo, EXIT, parsePositiveInt, UsageError } from "./io.js";

export const DASHBOARD_HELP = `Usage: crusades dashboard [options]

A terminal dashboard over a validator's API (crusades validate serves it): stats, validator
status, MFU history, leaderboard, recent activity, and each submission's runs and code.

Options:
  --url URL        the API (default: ${DEFAULT_DASHBOARD_URL})
  --refresh S      seconds between refreshes (default: 30)
  --api-key KEY    sent as X-API-Key (default: $DASHBOARD_API_KEY)
  --once           print one frame without colours and exit (also when stdout is not a terminal;
                   width from $COLUMNS, default 100)
  --json           print the fetched data as one JSON object and exit
  -h, --help       show this help

Keys: j/k or arrows move, h/l or Tab switch panels, Enter or 1-9 (rank) open a submission,
r refresh, q or Ctrl-C quit; in a submission j/k scroll the code, c toggles it, b or Esc go back.
Colours follow $NO_COLOR.

Exit status: 0 ok, 1 a request failed (--once, --json), 2 usage error.
`;

/** The terminal the interactive mode draws on; `process.stdin`/`process.stdout` by default. */
export interface DashboardTerminal {
  readonly input: TerminalInput;
  readonly output: TerminalOutput;
}

/** Collaborators of {@link runDashboard}, injectable for tests. */
export interface RunDashboardDeps {
  /** @default process.stdin and process.stdout */
  readonly terminal?: DashboardTerminal;
  readonly fetchFn?: typeof fetch;
  /** @default Date.now */
  readonly now?: () => number;
}

const DEFAULT_REFRESH_S = 30;
const DEFAULT_WIDTH = 100;

function parseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url must be an http(s) URL, got '${text}'`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--url must be an http(s) URL, got a ${url.protocol} URL`);
  return text.replace(/\/+$/, "");
}

function printedWidth(io: CliIo): number {
  const columns = Number(io.env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : DEFAULT_WIDTH;
}

/** Runs the command; returns the exit code. */
export async function runDashboard(argv: readonly string[], io: CliIo, deps: RunDashboardDeps = {}): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      url: { type: "string" },
      refresh: { type: "string" },
      "api-key": { type: "string" },
      once: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) {
    io.stdout(DASHBOARD_HELP);
    return EXIT.ok;
  }
  const url = parseUrl(values.url ?? DEFAULT_DASHBOARD_URL);
  const refreshS = parsePositiveInt(values.refresh, "--refresh") ?? DEFAULT_REFRESH_S;
  const apiKey = values["api-key"] ?? io.env.DASHBOARD_API_KEY;
  const now = deps.now ?? Date.now;
  const client = createDashboardClient({ baseUrl: url, apiKey, ...(deps.fetchFn ? { fetchFn: deps.fetchFn } : {}) });
  const terminal = deps.terminal ?? { input: process.stdin, output: process.stdout };

  const interactive = !values.once && !values.json && terminal.output.isTTY === true && terminal.input.isTTY === true;
  if (interactive) {
    const colors = io.env.NO_COLOR === undefined || io.env.NO_COLOR === "";
    await runInteractiveDashboard({ client, input: terminal.input, output: terminal.output, refreshMs: refreshS * 1000, colors, now });
    return EXIT.ok;
  }

  const update = await fetchSnapshot(client);
  for (const error of update.errors) io.stderr(`crusades dashboard: ${error}\n`);
  if (values.json) {
    io.stdout(`${JSON.stringify({ url: client.displayUrl, fetched_at: new Date(now()).toISOString(), ...update.values, errors: update.errors })}\n`);
  } else {
    const model = applySnapshot(createDashboardModel(client.displayUrl), update, now());
    const lines = renderDashboard(model, INITIAL_UI_STATE, { width: printedWidth(io), height: Infinity, colors: false, nowMs: now(), interactive: false });
    io.stdout(`${lines.join("\n")}\n`);
  }
  return update.errors.length === 0 ? EXIT.ok : EXIT.rejected;
}
