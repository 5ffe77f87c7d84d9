/**
 * A terminal clock the simulation drives (the engine's `Clock`: epoch ms). Terminals read dates
 * only from an injected clock, so a seeded run reproduces every byte.
 */
import type { Clock } from '../../engine/index.js';
import { aint } from '../../crypto/utils.js';

export class ManualClock implements Clock {
  private ms: number;

  constructor(startMs: number) {
    this.ms = aint('startMs', startMs, 0, Number.MAX_SAFE_INTEGER);
  }

  now(): number {
    return this.ms;
  }

  /** Sets the time. @throws RangeError for a negative or unsafe value. */
  set(ms: number): void {
    this.ms = aint('ms', ms, 0, Number.MAX_SAFE_INTEGER);
  }

  /** Moves the time forward (or back, with a negative step). */
  advance(ms: number): void {
    this.set(this.ms + ms);
  }

  advanceMinutes(minutes: number): void {
    this.advance(minutes * 60_000);
  }
}
