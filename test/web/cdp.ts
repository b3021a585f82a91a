/**
 * A small Chrome DevTools Protocol driver for the dashboard's browser test: starts Debian's
 * headless Chromium with a throw-away profile, reads the DevTools WebSocket address from its
 * stderr, attaches to a page target (flat sessions on one socket) and offers navigate, evaluate
 * and wait. No Playwright: the WebSocket is Node's global one when it exists (Node 22+) or the
 * `ws` package already in node_modules.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";

/** Where scripts/chromium.sh puts Chromium. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** The WHATWG WebSocket surface used here; both Node's global one and `ws` provide it. */
interface SocketLike {
  addEventListener(type: "open" | "close" | "error", listener: () => void): void;
  addEventListener(type: "message", listener: (ev: { data: unknown }) => void): void;
  send(data: string): void;
  close(): void;
}
type SocketConstructor = new (url: string) => SocketLike;

/** The WebSocket constructor to use, or `null` (with the reason) when there is none. */
export function findWebSocket(): { readonly ctor: SocketConstructor } | { readonly ctor: null; readonly reason: string } {
  const global = (globalThis as { WebSocket?: SocketConstructor }).WebSocket;
  if (typeof global === "function") return { ctor: global };
  try {
    const ws = createRequire(import.meta.url)("ws") as SocketConstructor | { WebSocket: SocketConstructor };
    return { ctor: typeof ws === "function" ? ws : ws.WebSocket };
  } catch {
    return { ctor: null, reason: "no global WebSocket (Node < 22) and no `ws` package in node_modules" };
  }
}

/** Why the browser test cannot run here, or `null` when it can. */
export function browserUnavailableReason(): string | null {
  if (!existsSync(CHROMIUM_PATH)) return `${CHROMIUM_PATH} is missing: run \`bash scripts/chromium.sh\``;
  const ws = findWebSocket();
  return ws.ctor === null ? ws.reason : null;
}

interface Pending {
  readonly resolve: (v: Record<string, unknown>) => void;
  readonly reject: (e: Error) => void;
  readonly method: string;
}

type EventListener = (params: Record<string, unknown>, sessionId: string | undefined) => void;

class CdpConnection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<{ readonly method: string; readonly listener: EventListener }>();
  private closed = false;

  private constructor(private readonly socket: SocketLike) {
    socket.addEventListener("message", (ev) => this.onMessage(String(ev.data)));
    socket.addEventListener("close", () => this.fail(new Error("DevTools socket closed")));
  }

  static open(url: string, ctor: SocketConstructor, timeoutMs: number): Promise<CdpConnection> {
    return new Promise((resolve, reject) => {
      const socket = new ctor(url);
      const timer = setTimeout(() => reject(new Error(`DevTools socket did not open in ${timeoutMs} ms`)), timeoutMs);
      socket.addEventListener("open", () => {
        clearTimeout(timer);
        resolve(new CdpConnection(socket));
      });
      socket.addEventListener("error", () => {
        clearTimeout(timer);
        reject(new Error(`could not connect to ${url}`));
      });
    });
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    if (this.closed) return Promise.reject(new Error(`${method}: DevTools socket closed`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.socket.send(JSON.stringify(sessionId === undefined ? { id, method, params } : { id, method, params, sessionId }));
    });
  }

  /** Calls `listener` on each `method` event; returns the unsubscribe function. */
  on(method: string, listener: EventListener): () => void {
    const entry = { method, listener };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  close(): void {
    this.fail(new Error("DevTools socket closed"));
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }

  private onMessage(text: string): void {
    const msg = JSON.parse(text) as { id?: number; result?: Record<string, unknown>; error?: { message: string }; method?: string; params?: Record<string, unknown>; sessionId?: string };
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      if (p === undefined) return;
      this.pending.delete(msg.id);
      if (msg.error !== undefined) p.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p.resolve(msg.result ?? {});
      return;
    }
    if (msg.method === undefined) return;
    for (const l of this.listeners) if (l.method === msg.method) l.listener(msg.params ?? {}, msg.sessionId);
  }

  private fail(error: Error): void {
    this.closed = true;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}

/** What the page reported while it ran. */
export interface PageLog {
  /** Uncaught exceptions. */
  readonly exceptions: string[];
  /** `console.error` calls and error log entries (CSP violations land here). */
  readonly errors: string[];
  /** Messages of JavaScript dialogs (`alert`, `confirm`, `prompt`), which were dismissed. */
  readonly dialogs: string[];
}

/** One page (tab) driven over its flat session. */
export interface CdpPage {
  readonly log: PageLog;
  /** Sends a raw DevTools command to this page's session. */
  send(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Navigates and resolves when the load event fired. */
  navigate(url: string, timeoutMs?: number): Promise<void>;
  /** Evaluates `expression` in the page (promises awaited) and returns its JSON value. */
  evaluate<T>(expression: string): Promise<T>;
  /** Polls `expression` until it is truthy; returns that value or rejects after `timeoutMs` with the last value. */
  waitFor<T>(expression: string, timeoutMs?: number): Promise<T>;
}

/** A started browser. */
export interface Browser {
  newPage(): Promise<CdpPage>;
  /** Closes the connection, kills the browser and removes its profile. */
  close(): Promise<void>;
}

const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox", // root in a container: no user namespaces for Chromium's sandbox
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-quic",
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-extensions",
  "--remote-debugging-port=0",
];

function readDevToolsUrl(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => done(new Error(`no DevTools address from Chromium in ${timeoutMs} ms; stderr:\n${seen.slice(-2000)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (m?.[1] !== undefined) done(null, m[1]);
    };
    const onExit = (code: number | null) => done(new Error(`Chromium exited (${code}) before listening; stderr:\n${seen.slice(-2000)}`));
    function done(error: Error | null, url?: string) {
      clearTimeout(timer);
      child.stderr?.off("data", onData);
      child.off("exit", onExit);
      if (error !== null) reject(error);
      else resolve(url as string);
    }
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
  });
}

/**
 * Starts headless Chromium and connects to it.
 * @param timeoutMs How long to wait for Chromium and its DevTools socket. @default 30000
 */
export async function launchBrowser(timeoutMs = 30_000): Promise<Browser> {
  const found = findWebSocket();
  if (found.ctor === null) throw new Error(found.reason);
  const profile = mkdtempSync(path.join(tmpdir(), "crusades-chromium-"));
  const child = spawn(CHROMIUM_PATH, [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, "about:blank"], { stdio: ["ignore", "ignore", "pipe"] });
  const cleanup = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    rmSync(profile, { recursive: true, force: true });
  };
  let conn: CdpConnection;
  try {
    conn = await CdpConnection.open(await readDevToolsUrl(child, timeoutMs), found.ctor, timeoutMs);
  } catch (e) {
    cleanup();
    throw e;
  }
  child.stderr?.resume(); // keep draining so Chromium never blocks on a full pipe

  const newPage = async (): Promise<CdpPage> => {
    const { targetId } = (await conn.send("Target.createTarget", { url: "about:blank" })) as { targetId: string };
    const { sessionId } = (await conn.send("Target.attachToTarget", { targetId, flatten: true })) as { sessionId: string };
    const send = (method: string, params?: Record<string, unknown>) => conn.send(method, params, sessionId);
    const log: PageLog = { exceptions: [], errors: [], dialogs: [] };
    const mine = (listener: (params: Record<string, unknown>) => void): EventListener => (params, sid) => {
      if (sid === sessionId) listener(params);
    };
    conn.on("Runtime.exceptionThrown", mine((p) => log.exceptions.push(JSON.stringify((p.exceptionDetails as { exception?: { description?: string } } | undefined)?.exception?.description ?? p))));
    conn.on("Runtime.consoleAPICalled", mine((p) => {
      if (p.type === "error") log.errors.push(JSON.stringify(p.args));
    }));
    conn.on("Log.entryAdded", mine((p) => {
      const entry = p.entry as { level?: string; text?: string };
      if (entry.level === "error") log.errors.push(entry.text ?? "");
    }));
    conn.on("Page.javascriptDialogOpening", mine((p) => {
      log.dialogs.push(String(p.message));
      void send("Page.handleJavaScriptDialog", { accept: false }).catch(() => {});
    }));
    await Promise.all([send("Page.enable"), send("Runtime.enable"), send("Log.enable")]);

    const evaluate = async <T>(expression: string): Promise<T> => {
      const r = (await send("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true })) as {
        result: { value?: T };
        exceptionDetails?: { text?: string; exception?: { description?: string } };
      };
      if (r.exceptionDetails !== undefined) throw new Error(`evaluate failed: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}\n${expression}`);
      return r.result.value as T;
    };

    return {
      log,
      send,
      evaluate,
      navigate: async (url, navTimeoutMs = 15_000) => {
        let onLoad: () => void = () => {};
        const loaded = new Promise<void>((resolve) => {
          onLoad = resolve;
        });
        const off = conn.on("Page.loadEventFired", mine(() => onLoad()));
        const r = (await send("Page.navigate", { url })) as { errorText?: string };
        if (r.errorText !== undefined) throw new Error(`navigate ${url}: ${r.errorText}`);
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`navigate ${url}: no load event in ${navTimeoutMs} ms`)), navTimeoutMs);
        });
        try {
          await Promise.race([loaded, timeout]);
        } finally {
          clearTimeout(timer);
          off();
        }
      },
      waitFor: async <T>(expression: string, waitTimeoutMs = 10_000): Promise<T> => {
        const deadline = Date.now() + waitTimeoutMs;
        let last: T | undefined;
        for (;;) {
          last = await evaluate<T>(expression);
          if (last) return last;
          if (Date.now() > deadline) throw new Error(`timed out after ${waitTimeoutMs} ms waiting for ${expression} (last value: ${JSON.stringify(last)}); page log: ${JSON.stringify(log)}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      },
    };
  };

  return {
    newPage,
    close: async () => {
      try {
        await conn.send("Browser.close").catch(() => {});
      } finally {
        conn.close();
        await new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const t = setTimeout(() => {
            child.kill("SIGKILL");
            resolve();
          }, 3000);
          child.once("exit", () => {
            clearTimeout(t);
            resolve();
          });
        });
        cleanup();
      }
    },
  };
}
