/**
 * A scripted stand-in for the Docker engine, for the lifecycle's unit tests (deadline, abort,
 * removal, leftovers) where timing must be exact and no engine may be present. The same behaviour
 * is also exercised against the real engine in `lifecycle.docker.test.ts`.
 */
import { PassThrough } from "node:stream";
import type Docker from "dockerode";

export interface FakeContainerScript {
  /** Exit by itself after this many ms with `exitCode`; `null` never exits. */
  readonly exitAfterMs: number | null;
  readonly exitCode?: number;
  readonly oomKilled?: boolean;
  /** Output written to stdout right after start. */
  readonly output?: string;
  readonly failStart?: boolean;
  /** Removal answers: each entry is used once ("ok", "404", "409", "500"); then `removeDefault`. */
  readonly removeAnswers?: ("ok" | "404" | "409" | "500")[];
  /** @default "ok" */
  readonly removeDefault?: "ok" | "500";
}

export interface FakeEngine {
  readonly docker: Docker;
  readonly created: string[];
  readonly removed: string[];
  readonly killed: string[];
  /** Pre-existing containers for listContainers (leftover tests). */
  readonly existing: { Id: string; Labels: Record<string, string> }[];
}

const httpError = (statusCode: number, message: string) => Object.assign(new Error(message), { statusCode, json: { message } });

function frame(stream: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

export function fakeEngine(script: FakeContainerScript): FakeEngine {
  const engine = { created: [] as string[], removed: [] as string[], killed: [] as string[], existing: [] as { Id: string; Labels: Record<string, string> }[] };
  let n = 0;
  const containers = new Map<string, { remove: (o?: unknown) => Promise<void> }>();
  const modem = {
    demuxStream(stream: NodeJS.ReadableStream, out: NodeJS.WritableStream, errOut: NodeJS.WritableStream) {
      stream.on("data", (chunk: Buffer) => (chunk.readUInt8(0) === 2 ? errOut : out).write(chunk.subarray(8)));
    },
  };
  const docker = {
    modem,
    ping: async () => "OK",
    getContainer(id: string) {
      const c = containers.get(id);
      return {
        inspect: async () => {
          if (!containers.has(id) && !engine.existing.some((e) => e.Id === id)) throw httpError(404, `No such container: ${id}`);
          return { State: {} };
        },
        remove: async (o?: unknown) => {
          if (c === undefined) {
            const existing = engine.existing.findIndex((e) => e.Id === id);
            if (existing < 0) throw httpError(404, `No such container: ${id}`);
            engine.existing.splice(existing, 1);
            engine.removed.push(id);
            return;
          }
          await c.remove(o);
        },
      };
    },
    async listContainers() {
      return engine.existing.map((e) => ({ ...e }));
    },
    async createContainer(spec: Docker.ContainerCreateOptions) {
      const id = `fake${++n}`;
      engine.created.push(id);
      let exit: (v: { StatusCode: number }) => void = () => undefined;
      const exited = new Promise<{ StatusCode: number }>((resolve) => (exit = resolve));
      let running = false;
      let state = { ExitCode: 0, OOMKilled: false };
      const logs = new PassThrough();
      const answers = [...(script.removeAnswers ?? [])];
      const container = {
        id,
        spec,
        wait: () => exited,
        async start() {
          if (script.failStart) throw httpError(500, "OCI runtime create failed");
          running = true;
          if (script.output) logs.write(frame(1, script.output));
          if (script.exitAfterMs !== null) {
            setTimeout(() => {
              if (!running) return;
              running = false;
              state = { ExitCode: script.exitCode ?? 0, OOMKilled: script.oomKilled ?? false };
              logs.end();
              exit({ StatusCode: script.exitCode ?? 0 });
            }, script.exitAfterMs);
          }
        },
        async kill() {
          engine.killed.push(id);
          if (!running) throw httpError(409, "is not running");
          running = false;
          state = { ExitCode: 137, OOMKilled: false };
          logs.end();
          exit({ StatusCode: 137 });
        },
        async inspect() {
          return { State: state };
        },
        async logs() {
          return logs;
        },
        async remove() {
          const a = answers.shift() ?? script.removeDefault ?? "ok";
          if (a === "404") throw httpError(404, `No such container: ${id}`);
          if (a === "409") throw httpError(409, `removal of container ${id} is already in progress`);
          if (a === "500") throw httpError(500, "driver failed");
          if (running) {
            running = false;
            logs.end();
            exit({ StatusCode: 137 });
          }
          engine.removed.push(id);
          containers.delete(id);
        },
      };
      containers.set(id, container);
      return container;
    },
  };
  return { docker: docker as unknown as Docker, ...engine };
}
