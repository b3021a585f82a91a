/**
 * A strict parser of the Prometheus text exposition format 0.0.4 for the `/metrics` tests: it
 * throws on any line it does not understand, on a sample before its family's `# TYPE`, and on a
 * histogram whose buckets are not cumulative or do not end with `+Inf` = `_count`.
 */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\["\\n])*",?)*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"/g;
const HISTOGRAM_SUFFIX = /^(.*)_(bucket|sum|count)$/;

/** The family a sample belongs to: its own name, or a histogram's name without `_bucket`, `_sum`, `_count`. */
function familyOf(name: string, types: ReadonlyMap<string, string>): string | null {
  if (types.has(name)) return name;
  const m = HISTOGRAM_SUFFIX.exec(name);
  return m !== null && types.get(m[1]!) === "histogram" ? m[1]! : null;
}

function checkHistograms(types: ReadonlyMap<string, string>, samples: readonly Sample[]): void {
  for (const [name, type] of types) {
    if (type !== "histogram") continue;
    const series = new Map<string, Sample[]>();
    for (const s of samples.filter((x) => x.name === `${name}_bucket`)) {
      const { le: _le, ...rest } = s.labels;
      const key = JSON.stringify(rest);
      series.set(key, [...(series.get(key) ?? []), s]);
    }
    for (const [key, buckets] of series) {
      const les = buckets.map((b) => (b.labels["le"] === "+Inf" ? Infinity : Number(b.labels["le"])));
      if (les.at(-1) !== Infinity) throw new Error(`${name}${key}: the last bucket must be le="+Inf"`);
      for (let i = 1; i < buckets.length; i++) {
        if (!(les[i]! > les[i - 1]!) || buckets[i]!.value < buckets[i - 1]!.value) throw new Error(`${name}${key}: buckets must be ordered and cumulative`);
      }
      const count = samples.find((s) => s.name === `${name}_count` && JSON.stringify(s.labels) === key);
      if (count?.value !== buckets.at(-1)!.value) throw new Error(`${name}${key}: _count must equal the +Inf bucket`);
    }
  }
}

/** Parses the exposition text: the families' types and help, and every sample. */
export function parseExposition(text: string): { readonly types: Map<string, string>; readonly help: Map<string, string>; readonly samples: Sample[] } {
  if (!text.endsWith("\n")) throw new Error("the exposition must end with a newline");
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.slice(0, -1).split("\n")) {
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (comment) {
      const [, kind, name, rest] = comment as unknown as [string, string, string, string];
      if (kind === "TYPE") {
        if (types.has(name)) throw new Error(`TYPE twice for ${name}`);
        if (!["gauge", "counter", "histogram"].includes(rest)) throw new Error(`unknown type ${rest} for ${name}`);
        types.set(name, rest);
      } else help.set(name, rest);
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a sample: ${JSON.stringify(line)}`);
    const name = m[1]!;
    if (familyOf(name, types) === null) throw new Error(`sample before TYPE: ${name}`);
    const labels = Object.fromEntries([...(m[2] ?? "").matchAll(LABEL)].map((l) => [l[1]!, l[2]!]));
    const value = m[3] === "NaN" ? NaN : m[3] === "+Inf" ? Infinity : m[3] === "-Inf" ? -Infinity : Number(m[3]);
    if (Number.isNaN(value) && m[3] !== "NaN") throw new Error(`bad value ${m[3]}`);
    samples.push({ name, labels, value });
  }
  checkHistograms(types, samples);
  return { types, help, samples };
}

/** The values of the samples named `name` whose labels include `labels`. */
export const value = (samples: readonly Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).map((s) => s.value);
