/**
 * What every benchmark reports about one measured path: operations, time, latencies and errors, pooled
 * over interleaved rounds and summarised as ops/s, p50 and p99 in one table. Pure: no I/O but printing.
 */

export interface Measured {
  name: string;
  ops: number;
  seconds: number;
  latenciesMs: number[];
  errors: number;
  /** The errors by kind (`HTTP 422 ORDER_INSUFFICIENT_FUNDS`, `no answer`), where the path tells them apart. */
  errorKinds?: Record<string, number>;
  /** The wallet's group commits during the measurement: how many, mean pay-orders and mean ms each. */
  batches?: { count: number; meanSize: number; meanMs: number };
}

/** Nearest-rank percentile of ascending `sorted`; NaN when there is nothing to rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Adds `count` errors of `kind` to a tally. */
export function countError(kinds: Record<string, number>, kind: string, count = 1): void {
  kinds[kind] = (kinds[kind] ?? 0) + count;
}

function mergeKinds(
  a: Record<string, number> | undefined,
  b: Record<string, number> | undefined,
): Record<string, number> | undefined {
  if (!a && !b) return undefined;
  const merged = { ...a };
  for (const [kind, count] of Object.entries(b ?? {})) countError(merged, kind, count);
  return merged;
}

function mergeBatches(a: Measured['batches'], b: Measured['batches']): Measured['batches'] {
  if (!a || !b) return undefined;
  const count = a.count + b.count;
  return {
    count,
    meanSize: (a.meanSize * a.count + b.meanSize * b.count) / count,
    meanMs: (a.meanMs * a.count + b.meanMs * b.count) / count,
  };
}

/** Two rounds of one measurement as one: ops, time and errors summed, latencies pooled, batches weighted. */
export function combine(a: Measured | undefined, b: Measured): Measured {
  if (!a) return b;
  const errorKinds = mergeKinds(a.errorKinds, b.errorKinds);
  const batches = mergeBatches(a.batches, b.batches);
  return {
    name: a.name,
    ops: a.ops + b.ops,
    seconds: a.seconds + b.seconds,
    latenciesMs: a.latenciesMs.concat(b.latenciesMs),
    errors: a.errors + b.errors,
    ...(errorKinds ? { errorKinds } : {}),
    ...(batches ? { batches } : {}),
  };
}

export interface Summary {
  name: string;
  opsPerSecond: number;
  p50: number;
  p99: number;
  ops: number;
  errors: number;
  errorKinds: Record<string, number> | undefined;
  batches: Measured['batches'];
}

export function summarize(measured: Measured): Summary {
  const sorted = [...measured.latenciesMs].sort((a, b) => a - b);
  return {
    name: measured.name,
    opsPerSecond: measured.ops / measured.seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    ops: measured.ops,
    errors: measured.errors,
    errorKinds: measured.errorKinds,
    batches: measured.batches,
  };
}

/** The table every benchmark prints: one row per path, names padded to `nameWidth`. */
export function tableLines(rows: readonly Summary[], nameWidth = 26): string[] {
  const header = `  ${'run'.padEnd(nameWidth)} ${'ops/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'ops'.padStart(8)} ${'errors'.padStart(7)}`;
  return [
    header,
    ...rows.map(
      (row) =>
        `  ${row.name.padEnd(nameWidth)} ${row.opsPerSecond.toFixed(0).padStart(9)} ${row.p50.toFixed(2).padStart(8)} ${row.p99.toFixed(2).padStart(8)} ${String(row.ops).padStart(8)} ${String(row.errors).padStart(7)}`,
    ),
  ];
}

/** `kind: count` pairs, most frequent first, for the line under a table; empty when there were none. */
export function errorKindsLine(kinds: Record<string, number> | undefined): string {
  return Object.entries(kinds ?? {})
    .sort(([, a], [, b]) => b - a)
    .map(([kind, count]) => `${kind}: ${count}`)
    .join(', ');
}
