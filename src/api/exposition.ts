/**
 * Prometheus text exposition format 0.0.4: one metric family as its `# HELP`, `# TYPE` and sample
 * lines. Shared by the store's gauges and the daemon's in-memory counters.
 * @module
 */

/** A family's type line. */
export type MetricType = "gauge" | "counter" | "histogram";

/** One sample: its labels, its value, and a name suffix (`_bucket`, `_sum`, `_count` of a histogram). */
export type MetricSample = readonly [labels: Readonly<Record<string, string>>, value: number, suffix?: string];

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** A sample value or a histogram bound as the format writes it (`NaN`, `+Inf`, `-Inf`). */
export function formatMetricValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

/** The lines of one family; a family with no sample still has its help and type. */
export function metricFamily(name: string, help: string, type: MetricType, samples: readonly MetricSample[]): string[] {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const [labels, value, suffix = ""] of samples) {
    const entries = Object.entries(labels);
    const l = entries.length === 0 ? "" : `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`;
    lines.push(`${name}${suffix}${l} ${formatMetricValue(value)}`);
  }
  return lines;
}
