import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseSafetensorsHeader, readSafetensors } from "../../src/verify/index.js";
import { tempDir } from "./helpers.js";

const enc = new TextEncoder();
const dtype = fc.oneof(fc.constantFrom("F32", "BF16", "F16", "I64", "U8", "BOOL", "F64"), fc.string());
const dim = fc.oneof(fc.nat(8), fc.integer({ min: -3, max: 1 << 30 }), fc.double(), fc.constant(2 ** 53));
const entry = fc.record(
  {
    dtype: fc.oneof(dtype, fc.integer()),
    shape: fc.oneof(fc.array(dim, { maxLength: 4 }), fc.string()),
    data_offsets: fc.oneof(fc.tuple(fc.nat(64), fc.nat(64)), fc.array(fc.integer({ min: -5, max: 70 }), { maxLength: 3 })),
  },
  { requiredKeys: [] },
);
const header = fc.dictionary(fc.oneof(fc.constantFrom("a", "b", "__metadata__", "__proto__", ""), fc.string()), fc.oneof(entry, fc.jsonValue()), { maxKeys: 5 });

describe("parseSafetensorsHeader (fuzz)", () => {
  test("behavior: random structured headers give Ok or a typed Err, never a throw", () => {
    fc.assert(
      fc.property(header, fc.nat(128), fc.boolean(), (h, dataBytes, dupe) => {
        let text = JSON.stringify(h);
        if (dupe && text.length > 2) text = text.replace(/^\{/, '{"a":1,"a":2,');
        const r = parseSafetensorsHeader(enc.encode(text), 8 + enc.encode(text).length + dataBytes);
        if (r.isErr()) expect(r.error.type).toMatch(/^safetensors_/);
        else {
          // Ok only if the spans tile the data section exactly.
          const total = r.value.tensors.reduce((s, t) => s + t.byteLength, 0);
          expect(total).toBe(dataBytes);
        }
      }),
      { numRuns: 3000 },
    );
  });

  test("behavior: random bytes always give an Err, never a throw", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), fc.nat(1 << 20), (bytes, extra) => {
        const r = parseSafetensorsHeader(bytes, 8 + bytes.length + extra);
        if (r.isErr()) expect(typeof r.error.message).toBe("string");
        else expect(extra).toBe(0);
      }),
      { numRuns: 3000 },
    );
  });

  test("behavior: random JSON text gives a typed Err or Ok, never a throw", () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), (text) => {
        const bytes = enc.encode(text);
        const r = parseSafetensorsHeader(bytes, 8 + bytes.length);
        expect(r.isOk() || r.error.type.startsWith("safetensors_")).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  test("behavior: random files through readSafetensors give Ok or a typed Err, never a throw", async () => {
    const dir = tempDir();
    let k = 0;
    await fc.assert(
      fc.asyncProperty(header, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.boolean(), fc.uint8Array({ maxLength: 64 }), async (h, len, honest, data) => {
        const text = Buffer.from(JSON.stringify(h));
        const prefix = Buffer.alloc(8);
        prefix.writeBigUInt64LE(honest ? BigInt(text.length) : len);
        const p = join(dir, `r${k++}.safetensors`);
        writeFileSync(p, Buffer.concat([prefix, text, data]));
        const r = await readSafetensors(p);
        if (r.isOk()) await r.value.close();
        else expect(r.error.type).toMatch(/^safetensors_/);
      }),
      { numRuns: 200 },
    );
  });
});
