// LoopLoad (GET /v1/status "service.busy"): the share of wall time this thread's event loop spent
// in callbacks. A callback that blocks for 150 ms reads as busy; a 300 ms wait after it brings the
// share down. Proportions of wall time, so a slow machine changes nothing.
import { describe, expect, it } from 'vitest';
import { LoopLoad } from '../../../terminal-sim/server/loop-load.js';

function blockFor(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy: the loop cannot turn
  }
}

describe('LoopLoad', () => {
  it('reads a blocked loop as busy and a waiting one as idle, over the time since its oldest sample', async () => {
    const load = new LoopLoad(10, 60_000);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      blockFor(150);
      const busy = load.current();
      expect(busy.busy).toBeGreaterThan(0.5);
      expect(busy.busy).toBeLessThanOrEqual(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const later = load.current();
      expect(later.busy).toBeLessThan(busy.busy);
      expect(later.windowS).toBeGreaterThanOrEqual(0.4);
    } finally {
      load.close();
    }
  });

  it('forgets what is older than its window', async () => {
    const load = new LoopLoad(0.2, 50);
    try {
      blockFor(150);
      await new Promise((resolve) => setTimeout(resolve, 600));
      const now = load.current();
      // The block lies before the window: only the idle wait is left in it.
      expect(now.windowS).toBeLessThan(0.45);
      expect(now.busy).toBeLessThan(0.5);
    } finally {
      load.close();
    }
  });
});
