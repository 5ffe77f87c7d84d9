/**
 * How busy the event loop that runs the cards has been lately (GET /v1/status): the share of the
 * last `windowS` seconds it spent running callbacks rather than waiting for I/O, from
 * `performance.eventLoopUtilization`. Near 1 under load, that thread is what bounds the server
 * (README "Benchmarks") — the figure an integrator needs to tell a saturated simulator from a
 * slow client.
 */
import { performance } from 'node:perf_hooks';

type Elu = ReturnType<typeof performance.eventLoopUtilization>;

export interface LoopLoadView {
  /** 0..1, three decimals. */
  busy: number;
  /** The seconds the figure covers (shorter just after the start), one decimal. */
  windowS: number;
}

export class LoopLoad {
  private readonly samples: { atMs: number; elu: Elu }[] = [];
  private readonly timer: ReturnType<typeof setInterval>;

  /** Samples every `sampleMs` in this thread; the timer does not keep the thread alive. */
  constructor(
    private readonly windowS = 10,
    sampleMs = 1000,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), sampleMs);
    this.timer.unref();
  }

  private sample(): void {
    const atMs = performance.now();
    this.samples.push({ atMs, elu: performance.eventLoopUtilization() });
    // Keep the newest sample at or before the window's start, and those after it.
    while (this.samples.length > 1 && this.samples[1].atMs <= atMs - this.windowS * 1000) this.samples.shift();
  }

  current(): LoopLoadView {
    const oldest = this.samples[0];
    const since = performance.eventLoopUtilization(oldest.elu);
    return {
      busy: Math.round(Math.min(1, Math.max(0, since.utilization || 0)) * 1000) / 1000,
      windowS: Math.round((performance.now() - oldest.atMs) / 100) / 10,
    };
  }

  close(): void {
    clearInterval(this.timer);
  }
}
