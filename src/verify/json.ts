/**
 * A strict JSON parser for safetensors headers: it rejects duplicate object keys (which
 * `JSON.parse` silently merges, spec §L.1.8), bounds nesting depth, and returns objects as `Map`s
 * so that keys such as `__proto__` are plain data.
 * @module
 */

/** A parsed JSON value; objects are `Map`s in key order. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
/** A parsed JSON object. */
export type JsonObject = Map<string, JsonValue>;

/** Thrown internally and turned into a failure by {@link parseStrictJson}. */
class JsonSyntax extends Error {}

const MAX_DEPTH = 64;

/**
 * Parses `text` as one JSON value, allowing surrounding whitespace (safetensors pads its header
 * with spaces).
 * @returns the value, or a one-line reason
 */
export function parseStrictJson(text: string): { ok: true; value: JsonValue } | { ok: false; reason: string } {
  const p = new Parser(text);
  try {
    p.ws();
    const value = p.value(0);
    p.ws();
    if (p.i !== text.length) p.fail("unexpected data after the JSON value");
    return { ok: true, value };
  } catch (e) {
    if (e instanceof JsonSyntax) return { ok: false, reason: e.message };
    // A stack overflow cannot happen (depth is bounded); anything else is a bug.
    throw e;
  }
}

class Parser {
  i = 0;
  constructor(private readonly s: string) {}

  fail(what: string): never {
    throw new JsonSyntax(`${what} at offset ${this.i}`);
  }

  ws(): void {
    const s = this.s;
    let c = s.charCodeAt(this.i);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = s.charCodeAt(++this.i);
  }

  value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) this.fail("nesting too deep");
    const c = this.s.charCodeAt(this.i);
    if (c === 0x7b) return this.object(depth);
    if (c === 0x5b) return this.array(depth);
    if (c === 0x22) return this.string();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (this.s.startsWith("true", this.i)) return (this.i += 4), true;
    if (this.s.startsWith("false", this.i)) return (this.i += 5), false;
    if (this.s.startsWith("null", this.i)) return (this.i += 4), null;
    return this.fail(Number.isNaN(c) ? "unexpected end of JSON" : "unexpected character");
  }

  object(depth: number): JsonObject {
    const out: JsonObject = new Map();
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x7d) return this.i++, out;
    for (;;) {
      if (this.s.charCodeAt(this.i) !== 0x22) this.fail("expected a string key");
      const key = this.string();
      if (out.has(key)) this.fail(`duplicate key ${JSON.stringify(key.slice(0, 80))}`);
      this.ws();
      if (this.s.charCodeAt(this.i) !== 0x3a) this.fail("expected ':'");
      this.i++;
      this.ws();
      out.set(key, this.value(depth + 1));
      this.ws();
      const c = this.s.charCodeAt(this.i++);
      if (c === 0x7d) return out;
      if (c !== 0x2c) this.fail("expected ',' or '}'");
      this.ws();
    }
  }

  array(depth: number): JsonValue[] {
    const out: JsonValue[] = [];
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x5d) return this.i++, out;
    for (;;) {
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s.charCodeAt(this.i++);
      if (c === 0x5d) return out;
      if (c !== 0x2c) this.fail("expected ',' or ']'");
      this.ws();
    }
  }

  string(): string {
    const s = this.s;
    const start = ++this.i;
    // Fast path: no escapes.
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (c === 0x22) return s.slice(start, this.i++);
      if (c === 0x5c) break;
      if (Number.isNaN(c)) this.fail("unterminated string");
      if (c < 0x20) this.fail("control character in string");
      this.i++;
    }
    let out = s.slice(start, this.i);
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (Number.isNaN(c)) this.fail("unterminated string");
      if (c === 0x22) return this.i++, out;
      if (c < 0x20) this.fail("control character in string");
      if (c !== 0x5c) {
        out += s[this.i++];
        continue;
      }
      const e = s[this.i + 1];
      this.i += 2;
      switch (e) {
        case '"': out += '"'; break;
        case "\\": out += "\\"; break;
        case "/": out += "/"; break;
        case "b": out += "\b"; break;
        case "f": out += "\f"; break;
        case "n": out += "\n"; break;
        case "r": out += "\r"; break;
        case "t": out += "\t"; break;
        case "u": {
          const hex = s.slice(this.i, this.i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("bad \\u escape");
          out += String.fromCharCode(parseInt(hex, 16));
          this.i += 4;
          break;
        }
        default:
          this.i -= 2;
          this.fail("bad escape");
      }
    }
  }

  number(): number {
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = this.i;
    const hit = m.exec(this.s);
    if (!hit) return this.fail("bad number");
    this.i += hit[0].length;
    return Number(hit[0]);
  }
}
