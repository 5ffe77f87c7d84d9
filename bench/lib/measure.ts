// Times a case's rows with tinybench 6, on the main thread only (no workers: one core, so the
// peers and ssc3 see the same machine). Calls shorter than `batchMs` are timed in batches — a
// performance.now() pair costs tens of ns, as much as one SM4 block — and each sample is then the
// mean per call over one batch (tinybench's overriddenDuration), so p50/p99 describe batch means.
import os from 'node:os';
import { Bench, type Fn, type FnReturnedObject } from 'tinybench';
import type { BenchCase } from './case.js';
import type { Machine, RowResult } from './report.js';

export interface MeasureOptions {
  /** Time budget per row and round, ms. */
  timeMs: number;
  warmupMs: number;
  /** Rounds per case; odd rounds run the rows in reverse order. The best round is kept. */
  rounds: number;
  /** Minimum samples per row and round (slow peers take seconds per sample otherwise). */
  minIterations: number;
  /** Calls shorter than this are batched so that one sample lasts about this long. */
  batchMs: number;
}

// Results land here so that no call is dead code.
let sink: unknown;

/** With --expose-gc, collects before each task so one task's garbage is not billed to the next. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Rough ms per call: as many calls as fit in ~5 ms, at least one. Also serves as a first warmup. */
function msPerCall(run: () => unknown): number {
  const t0 = performance.now();
  let n = 0;
  let dt: number;
  do {
    sink = run();
    n++;
    dt = performance.now() - t0;
  } while (dt < 5 && n < 1_000_000);
  return dt / n;
}

const MAX_BATCH = 100_000;

/** tinybench's options for one round: the time budget, at least `minIterations` samples, a quarter as many warm-up ones, a GC before each task, failures thrown. */
export function benchOptions(name: string, opts: { timeMs: number; warmupMs: number; minIterations: number }): ConstructorParameters<typeof Bench>[0] {
  return {
    name,
    time: opts.timeMs,
    warmupTime: opts.warmupMs,
    iterations: opts.minIterations,
    warmupIterations: Math.max(1, Math.ceil(opts.minIterations / 4)),
    throws: true,
    setup: collectGarbage,
  };
}

/** How many calls make one sample (at most 100 000). */
export function batchSize(callMs: number, batchMs: number): number {
  return callMs >= batchMs ? 1 : Math.min(MAX_BATCH, Math.ceil(batchMs / callMs));
}

function taskFn(bench: Bench, run: () => unknown, batch: number): Fn {
  if (batch === 1) {
    return () => {
      sink = run();
    };
  }
  return () => {
    const t0 = bench.now();
    for (let i = 0; i < batch; i++) sink = run();
    const dt = bench.now() - t0;
    return { overriddenDuration: dt / batch, overriddenIterationCost: dt } satisfies FnReturnedObject;
  };
}

/**
 * Measures every row of `c`. ops/s is 1000 / p50 latency (ms): the median, not the mean, because
 * other jobs may share the machine and their interruptions land in the tail.
 * @returns one result per row, in row order.
 * @throws Error when a task errors.
 */
export async function measureCase(c: BenchCase, opts: MeasureOptions): Promise<RowResult[]> {
  const batches = c.rows.map((r) => batchSize(msPerCall(r.run), opts.batchMs));
  const best: (RowResult | undefined)[] = c.rows.map(() => undefined);
  for (let round = 0; round < opts.rounds; round++) {
    const order = c.rows.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    const bench = new Bench(benchOptions(c.op, opts));
    for (const i of order) bench.add(c.rows[i].impl, taskFn(bench, c.rows[i].run, batches[i]), { async: false });
    await bench.run();
    order.forEach((i, k) => {
      const task = bench.tasks[k];
      const res = task.result;
      if (res.state !== 'completed') {
        const why = res.state === 'errored' ? res.error.message : res.state;
        throw new Error(`${c.op} / ${task.name}: ${why}`);
      }
      const p50Ms = res.latency.p50;
      const opsPerSec = 1000 / p50Ms;
      const prev = best[i];
      if (prev !== undefined && prev.opsPerSec >= opsPerSec) return;
      best[i] = {
        caseId: c.id,
        op: c.op,
        impl: c.rows[i].impl,
        opsPerSec,
        ...(c.bytes === undefined ? {} : { mbPerSec: (opsPerSec * c.bytes) / 1e6 }),
        p50Us: p50Ms * 1000,
        p99Us: res.latency.p99 * 1000,
        samples: res.latency.samplesCount,
        batch: batches[i],
      };
    });
  }
  void sink;
  return best.map((r) => r!);
}

/** The machine and the moment of a run, for the reports. */
export function currentMachine(): Machine {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    openssl: process.versions.openssl,
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
  };
}
