/**
 * The service thread's entry (started by service-thread.ts): it opens the store of the spec in
 * workerData, builds the services around it, and answers calls in the order they come.
 *
 * At most MAX_CALLS_PER_TURN calls start per event-loop turn, and the next turn's only after
 * their group commit is planned (SqliteCardStore.saveChangeAndJournalGrouped), so the answers
 * ready leave before more flows run; while one batch runs here, the HTTP thread sends the previous
 * batch's replies and parses the next requests. Without the cap a saturated server fell into lock
 * step — the HTTP thread parses every connection's request, this thread runs and commits them all
 * in one batch, then the HTTP thread writes every reply — each thread idle while the other worked.
 * The SQLite store runs its group commits on a writer thread of its own (writerThread): this
 * thread plans them and goes on with the next flows while they commit.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MemoryCardStore, SqliteCardStore } from '../store/index.js';
import type { CardStore } from '../store/index.js';
import { API_METHODS, localServices } from './api-services.js';
import type { ApiServices } from './api-services.js';
import { Outbox, sendGrouped } from './outbox.js';
import { calendarOf, encodeError, MAX_CALLS_PER_TURN } from './service-messages.js';
import type { FromService, ServiceAnswer, ServiceCall, ServiceSpec, ToService } from './service-messages.js';

const port = parentPort!;
const spec = workerData as ServiceSpec;

/** An answer that cannot cross (structured clone refuses its value) becomes that call's error. */
const postAnswer = (a: ServiceAnswer) => {
  try {
    port.postMessage(a satisfies FromService);
  } catch (e) {
    port.postMessage({ t: 'error', id: a.id, error: encodeError(e) } satisfies FromService);
  }
};
/** The answers of a turn: every tap of a group commit settles in the same one. */
const answers = new Outbox<ServiceAnswer>((as) => sendGrouped(as, postAnswer, (group) => port.postMessage({ t: 'answers', answers: group } satisfies FromService)));
/** Any other message: after the answers queued before it, as they were made. */
const send = (m: FromService) => {
  answers.flush();
  port.postMessage(m);
};

let store: CardStore | undefined;
let services: ApiServices;
try {
  store = spec.store.kind === 'memory' ? new MemoryCardStore({ now: Date.now }) : new SqliteCardStore(spec.store.path, { now: Date.now, writerThread: true });
  services = localServices({
    store,
    now: Date.now,
    ...(spec.seed !== undefined ? { seed: spec.seed } : {}),
    ...(spec.vpcd ? { vpcd: spec.vpcd } : {}),
    ...(spec.maxOpenCards !== undefined ? { maxOpenCards: spec.maxOpenCards } : {}),
    calendar: calendarOf(spec.calendar),
    onReaderEvent: (slot, event) => send({ t: 'reader', slot, event }),
  });
} catch (e) {
  store?.close();
  send({ t: 'failed', error: encodeError(e) });
  port.close();
  throw e;
}

type Method = (...args: unknown[]) => Promise<unknown>;

/** Every callable method by `part.method`, built once: a call names one of API_METHODS or fails. */
const methods = new Map<string, Method>();
for (const part of ['cards', 'terminals', 'readers'] as const) {
  const on = services[part] as unknown as Record<string, Method>;
  for (const name of API_METHODS[part]) methods.set(`${part}.${name}`, on[name]);
}
for (const name of API_METHODS.top) methods.set(`top.${name}`, services[name] as Method);

/** Calls started and not yet answered; close() waits for them. */
let inFlight = 0;
let onIdle: (() => void) | undefined;

async function call(m: ServiceCall): Promise<void> {
  inFlight++;
  try {
    const f = methods.get(`${m.part}.${m.method}`);
    if (!f) throw new TypeError(`no service method ${m.part}.${m.method}`);
    answers.push({ t: 'result', id: m.id, value: await f(...m.args) });
  } catch (e) {
    answers.push({ t: 'error', id: m.id, error: encodeError(e) });
  } finally {
    if (--inFlight === 0) onIdle?.();
  }
}

/** After the calls in flight have answered (their group commit runs on its own turn). */
async function close(): Promise<void> {
  if (inFlight > 0) await new Promise<void>((resolve) => (onIdle = resolve));
  try {
    await services.close();
  } finally {
    store!.close();
    send({ t: 'closed' });
    port.close();
  }
}

const queue: (ServiceCall | { t: 'close' })[] = [];
let scheduled = false;

function pump(): void {
  scheduled = false;
  // The answers ready (a group commit's taps) leave before this turn's flows run: their own
  // setImmediate may come after this one, behind 48 flows.
  answers.flush();
  for (let n = 0; n < MAX_CALLS_PER_TURN && queue.length > 0; n++) {
    const m = queue.shift()!;
    if (m.t === 'close') {
      queue.length = 0;
      void close();
      return;
    }
    void call(m);
  }
  if (queue.length > 0) {
    // The rest waits a turn more: the group commit of the calls just started is queued (its
    // setImmediate) during this turn's microtasks, after anything scheduled here, and should run
    // before 48 more flows — else their commits merge and the first 48 answers wait for both.
    scheduled = true;
    setImmediate(() => setImmediate(pump));
  }
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(pump);
}

port.on('message', (m: ToService) => {
  if (m.t === 'calls') queue.push(...m.calls);
  else queue.push(m);
  schedule();
});
send({ t: 'ready' });
