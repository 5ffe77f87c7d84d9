/**
 * Messages to another thread, sent together at the end of the event-loop turn that made them:
 * the HTTP thread's calls to the service thread (service-thread.ts), and the service thread's
 * answers back (service-worker.ts).
 *
 * Why: a message between worker threads has a fixed price in both of them — its queue, the
 * receiver's wake-up, the port's event — besides the copy of what it carries. Measured
 * stand-alone with a tap's call and an exit's answer (two threads, 48 calls in flight): one
 * message each way per call cost 29 µs of CPU per round trip; the same calls grouped 48 to a
 * message, 5.4 µs. Under load many
 * calls start in one turn of the HTTP thread (one per request read), and many answers are ready
 * in one turn of the service thread (every tap of a group commit).
 */
export class Outbox<M> {
  private queued: M[] = [];
  private scheduled = false;

  /** `send` posts the messages of one turn, in order (one message for one, a group for more). */
  constructor(private readonly send: (ms: M[]) => void) {}

  /**
   * Queues `m` until this turn ends. setImmediate runs after the turn's I/O callbacks — the
   * requests read from every socket that was ready — so they leave in one message.
   */
  push(m: M): void {
    this.queued.push(m);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Sends what is queued now: before a message that must arrive after it, or at close. */
  flush(): void {
    this.scheduled = false;
    const ms = this.queued;
    if (ms.length === 0) return;
    this.queued = [];
    this.send(ms);
  }
}

/**
 * Sends a turn's messages as one (`group`), or a lone one as itself (`one`). When the group
 * throws, nothing was sent — structured clone fails before the message is queued — so they go
 * one by one, and only a message that cannot cross fails (in `one`, which handles it).
 */
export function sendGrouped<M>(ms: M[], one: (m: M) => void, group: (ms: M[]) => void): void {
  if (ms.length === 1) return one(ms[0]);
  try {
    group(ms);
  } catch {
    for (const m of ms) one(m);
  }
}
