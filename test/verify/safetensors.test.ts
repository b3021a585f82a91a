import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { decodeToFloat32, MAX_HEADER_BYTES, readSafetensors } from "../../src/verify/index.js";
import { bf16Bits, bf16Value, tempDir, writeRaw, writeSafetensors } from "./helpers.js";

const dir = tempDir();
let n = 0;
const file = () => join(dir, `f${n++}.safetensors`);

async function errType(path: string, opts = {}) {
  const r = await readSafetensors(path, opts);
  if (r.isOk()) {
    await r.value.close();
    return "ok";
  }
  return r.error.type;
}

describe("readSafetensors", () => {
  test("behavior: reads header, metadata and data of every float dtype", async () => {
    const p = file();
    writeSafetensors(p, {
      "a.bf16": { dtype: "BF16", shape: [2, 2], values: [1, -2, 0.5, 3] },
      "b.f16": { dtype: "F16", shape: [3], values: [1.5, -0.25, 65504] },
      "c.f32": { dtype: "F32", shape: [], values: [Math.fround(0.1)] },
      "d.empty": { dtype: "F32", shape: [0, 4], values: [] },
    }, { format: "pt" });
    const r = await readSafetensors(p);
    expect(r.isOk()).toBe(true);
    const st = r._unsafeUnwrap();
    expect(st.metadata).toEqual({ format: "pt" });
    expect(st.tensors.map((t) => t.name)).toEqual(["a.bf16", "b.f16", "c.f32", "d.empty"]);
    expect(st.tensor("a.bf16")).toMatchObject({ dtype: "BF16", shape: [2, 2], numel: 4, byteLength: 8 });
    expect([...(await st.readFloat32("a.bf16"))._unsafeUnwrap()]).toEqual([1, -2, 0.5, 3]);
    expect([...(await st.readFloat32("b.f16"))._unsafeUnwrap()]).toEqual([1.5, -0.25, 65504]);
    expect([...(await st.readFloat32("c.f32"))._unsafeUnwrap()]).toEqual([Math.fround(0.1)]);
    expect([...(await st.readFloat32("a.bf16", { start: 1, count: 2 }))._unsafeUnwrap()]).toEqual([-2, 0.5]);
    const chunks: number[] = [];
    for await (const c of st.chunks("a.bf16", { chunkBytes: 3 })) chunks.push(c._unsafeUnwrap().byteLength);
    expect(chunks).toEqual([2, 2, 2, 2]);
    expect((await st.readBytes("nope")).isErr()).toBe(true);
    await st.close();
  });

  test("behavior: bf16 decoding is exact for every bit pattern", () => {
    const bytes = new Uint8Array(65536 * 2);
    const v = new DataView(bytes.buffer);
    for (let k = 0; k < 65536; k++) v.setUint16(2 * k, k, true);
    const f = decodeToFloat32("BF16", bytes);
    for (let k = 0; k < 65536; k += 257) {
      const want = bf16Value(k);
      expect(Number.isNaN(want) ? Number.isNaN(f[k]!) : f[k] === want).toBe(true);
    }
    expect(bf16Bits(1)).toBe(0x3f80);
  });

  test("error: missing file, directory, FIFO-like paths are io errors", async () => {
    expect(await errType(join(dir, "missing.safetensors"))).toBe("safetensors_io");
    expect(await errType(dir)).toBe("safetensors_io");
  });

  test("error: truncated files", async () => {
    const p = file();
    writeSafetensors(p, { a: { dtype: "F32", shape: [4], values: [1, 2, 3, 4] } });
    const { readFileSync, writeFileSync } = await import("node:fs");
    const full = readFileSync(p);
    for (const cut of [0, 3, 7, 8, 20, full.length - 1]) {
      const q = file();
      writeFileSync(q, full.subarray(0, cut));
      const t = await errType(q);
      expect(["safetensors_truncated", "safetensors_offsets_invalid"]).toContain(t);
    }
  });

  test("error: huge header length is refused before any allocation", async () => {
    const p = file();
    writeRaw(p, "{}", [], 0xffff_ffff_ffff_fff0n);
    const r = await readSafetensors(p);
    expect(r._unsafeUnwrapErr()).toMatchObject({ type: "safetensors_header_too_large", limitBytes: MAX_HEADER_BYTES });
    const q = file();
    writeRaw(q, "{}", [], BigInt(MAX_HEADER_BYTES + 1));
    expect(await errType(q)).toBe("safetensors_header_too_large");
    const s = file();
    writeRaw(s, "{}", [], 1000n);
    expect(await errType(s)).toBe("safetensors_truncated");
  });

  test("error: overlapping, gapped, out-of-bounds and trailing offsets", async () => {
    const b = new Uint8Array(16);
    const cases: [string, string][] = [
      ['{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}', "safetensors_offsets_invalid"],
      ['{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}}', "safetensors_offsets_invalid"],
      ['{"a":{"dtype":"F32","shape":[6],"data_offsets":[0,24]}}', "safetensors_offsets_invalid"],
      ['{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', "safetensors_offsets_invalid"],
      ['{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}', "safetensors_offsets_invalid"],
      ['{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', "safetensors_offsets_invalid"],
    ];
    for (const [h, want] of cases) {
      const p = file();
      writeRaw(p, h, [b]);
      expect(await errType(p), h).toBe(want);
    }
  });

  test("error: lying shapes, bad dtypes, duplicate keys, bad JSON", async () => {
    const b = new Uint8Array(16);
    const cases: [string, string][] = [
      ['{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}}', "safetensors_size_mismatch"],
      ['{"a":{"dtype":"BF16","shape":[4],"data_offsets":[0,16]}}', "safetensors_size_mismatch"],
      ['{"a":{"dtype":"F32","shape":[9007199254740991, 9007199254740991],"data_offsets":[0,16]}}', "safetensors_size_mismatch"],
      ['{"a":{"dtype":"F48","shape":[4],"data_offsets":[0,16]}}', "safetensors_unsupported_dtype"],
      ['{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}', "safetensors_header_invalid"],
      ['{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16],"extra":1}}', "safetensors_header_invalid"],
      ['{"a":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}}', "safetensors_header_invalid"],
      ['{"a":{"dtype":"F32","shape":[4.5],"data_offsets":[0,16]}}', "safetensors_header_invalid"],
      ['{"a":{"dtype":"F32","shape":"4","data_offsets":[0,16]}}', "safetensors_header_invalid"],
      ['{"a":{"dtype":"F32","shape":[4],"data_offsets":[0]}}', "safetensors_header_invalid"],
      ['{"a":[1,2]}', "safetensors_header_invalid"],
      ['{"__metadata__":{"k":1},"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}', "safetensors_header_invalid"],
      ['{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}', "safetensors_header_invalid"],
      ['[1]', "safetensors_header_invalid"],
      ['{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}} x', "safetensors_header_invalid"],
    ];
    for (const [h, want] of cases) {
      const p = file();
      writeRaw(p, h, [b]);
      expect(await errType(p), h).toBe(want);
    }
    const p = file();
    writeRaw(p, '{"a":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}', [b]);
    expect(await errType(p)).toBe("ok");
    expect(await errType(p, { allowedDtypes: ["BF16", "F16", "F32"] })).toBe("safetensors_unsupported_dtype");
  });

  test("error: invalid UTF-8 and deep nesting in the header", async () => {
    const { writeFileSync } = await import("node:fs");
    const p = file();
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(8n);
    writeFileSync(p, Buffer.concat([len, Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d, 0x20])]));
    expect((await readSafetensors(p))._unsafeUnwrapErr().message).toMatch(/UTF-8/);
    const q = file();
    writeRaw(q, `{"__metadata__":${"[".repeat(10000)}${"]".repeat(10000)}}`, []);
    expect(await errType(q)).toBe("safetensors_header_invalid");
  });

  test("behavior: noFollow refuses a symbolic link", async () => {
    const { symlinkSync } = await import("node:fs");
    const p = file();
    writeSafetensors(p, { a: { dtype: "F32", shape: [1], values: [1] } });
    const l = join(dir, "link.safetensors");
    symlinkSync(p, l);
    expect(await errType(l)).toBe("ok");
    expect(await errType(l, { noFollow: true })).toBe("safetensors_io");
  });
});
