import { describe, expect, test } from "vitest";
import { classifyDockerError, dockerCall } from "../../src/evaluation/index.js";

/** The shape docker-modem rejects with for an HTTP error answer. */
function modemError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), { statusCode, reason: "x", json: { message } });
}
const socketError = (code: string) => Object.assign(new Error(`connect ${code} /var/run/docker.sock`), { code, syscall: "connect" });

describe("classifyDockerError", () => {
  test("behavior: no socket, refused or not readable: docker_unavailable with a hint", () => {
    for (const code of ["ENOENT", "ECONNREFUSED", "EACCES", "EPERM"]) {
      const e = classifyDockerError(socketError(code), { action: "ping" });
      expect(e.type).toBe("docker_unavailable");
      expect(e.message).toContain(code);
      expect(e.message).toContain("scripts/docker.sh");
    }
  });
  test("behavior: 404 on an image call is docker_image_missing with the image name", () => {
    const e = classifyDockerError(modemError(404, "No such image: crusades-eval-cpu:9"), { action: "inspect image", image: "crusades-eval-cpu:9" });
    expect(e).toMatchObject({ type: "docker_image_missing", image: "crusades-eval-cpu:9" });
  });
  test("behavior: 404 'No such image' while creating a container is docker_image_missing", () => {
    expect(classifyDockerError(modemError(404, "No such image: x:1"), { action: "create container" }).type).toBe("docker_image_missing");
  });
  test("behavior: 404 on a container is docker_container_missing", () => {
    expect(classifyDockerError(modemError(404, "No such container: abc"), { action: "remove container" }).type).toBe("docker_container_missing");
  });
  test("behavior: 409 is docker_conflict", () => {
    const e = classifyDockerError(modemError(409, "removal of container abc is already in progress"), { action: "remove container" });
    expect(e.type).toBe("docker_conflict");
    expect(e.message).toBe("remove container: removal of container abc is already in progress");
  });
  test("behavior: other answers are docker_api with the status and the engine's one-line message", () => {
    const e = classifyDockerError(modemError(500, "OCI runtime create failed:\n  rlimit"), { action: "start container" });
    expect(e).toMatchObject({ type: "docker_api", statusCode: 500, message: "start container: OCI runtime create failed: rlimit" });
  });
  test("behavior: non-errors and broken streams are docker_api without a status", () => {
    expect(classifyDockerError("boom", { action: "wait" })).toMatchObject({ type: "docker_api", statusCode: null, message: "wait: boom" });
    expect(classifyDockerError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), { action: "logs" })).toMatchObject({ type: "docker_api", statusCode: null });
    expect(classifyDockerError(null, { action: "x" }).type).toBe("docker_api");
  });
  test("behavior: the cause is kept", () => {
    const cause = modemError(500, "x");
    expect(classifyDockerError(cause, { action: "a" }).cause).toBe(cause);
  });
  test("behavior: dockerCall turns a rejection (or a synchronous throw) into Err, never a throw", async () => {
    const r = await dockerCall("ping", () => Promise.reject(socketError("ENOENT")));
    expect(r._unsafeUnwrapErr().type).toBe("docker_unavailable");
    const t = await dockerCall("ping", () => {
      throw modemError(404, "No such container: z");
    });
    expect(t._unsafeUnwrapErr().type).toBe("docker_container_missing");
    expect((await dockerCall("ok", async () => 7))._unsafeUnwrap()).toBe(7);
  });
});
