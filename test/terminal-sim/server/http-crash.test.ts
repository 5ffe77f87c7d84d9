// Crash safety over HTTP (issue 5, "Reliability tests": kill -9 the server while a load of taps
// runs over HTTP, restart it). The server runs in a child process on a SQLite folder; one client
// loop per card runs top-ups, entries and exits over real HTTP and keeps every 200 answer's
// journal record. At a random moment the parent SIGKILLs the server, starts it again on the
// same folder and checks: every tap answered 200 is in the journal (same serial, counter, type,
// amount, TAC); every card's balance equals its initial balance plus its journaled loads minus
// its journaled debits; SQLite's integrity check passes; every card and terminal still works.
// Three kill/restart cycles on one folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteCardStore } from '../../../terminal-sim/store/index.js';

const REGISTER = new URL('../store/fixtures/register-ts.mjs', import.meta.url).pathname;
const MAIN = new URL('./fixtures/server-main.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ssc3-http-crash-'));
const CARDS = 6;
const INITIAL_FEN = 3000;

let child: ChildProcess | undefined;
/** Every server started, so a failed check cannot leave one running. */
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function start(): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', REGISTER, MAIN, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    children.add(c);
    c.on('close', () => children.delete(c));
    let out = '';
    let err = '';
    const watchdog = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 30_000);
    c.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const m = /listening (\S+)\n/.exec(out);
      if (m) {
        clearTimeout(watchdog);
        resolve(m[1]);
      }
    });
    c.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
    c.on('error', reject);
  });
}

function kill(): Promise<void> {
  return new Promise((resolve) => {
    const c = child!;
    c.once('close', () => resolve());
    c.kill('SIGKILL');
  });
}

interface Row {
  cardId: string | null;
  serial: string;
  counter: number;
  type: number;
  amountFen: number;
  tac: string;
}

/** The fields of the answers this test reads. */
interface Answer {
  id: string;
  journal?: Ack['journal'];
  outcome?: string;
  reason?: string;
  balanceFen: number;
  sw?: string;
  records: Row[];
  nextAfterId: number | null;
}

async function call(url: string, method: string, body?: unknown): Promise<{ status: number; json: Answer }> {
  const res = await fetch(url, {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  return { status: res.status, json: (await res.json()) as Answer };
}

interface Ack {
  cardId: string;
  journal: { serial: string; counter: number; type: number; amountFen: number; tac: string };
}

/** One card's endless day: load when low, enter, exit; every 200 with a record is an ack. */
async function rider(base: string, cardId: string, acks: Ack[], stop: { now: boolean }): Promise<void> {
  let inside = false;
  const take = (r: { status: number; json: Answer }) => {
    if (r.status === 200 && r.json.journal) acks.push({ cardId, journal: r.json.journal });
    return r;
  };
  while (!stop.now) {
    try {
      const card = await call(`${base}/v1/cards/${cardId}`, 'GET');
      if (card.status !== 200) return;
      if (card.json.balanceFen < 1000) take(await call(`${base}/v1/terminals/topup-1/loads`, 'POST', { cardId, amountFen: 2000 }));
      const r = take(await call(`${base}/v1/terminals/${inside ? 'gate-exit' : 'gate-entry'}/taps`, 'POST', { cardId }));
      if (r.status === 200 && (r.json.outcome === 'entered' || r.json.outcome === 'exited')) inside = !inside;
      // A refusal tells where the card really is (a restart may have come between two answers).
      if (r.status === 200 && r.json.reason === 'repeated-entry') inside = true;
      if (r.status === 200 && r.json.reason === 'exit-without-entry') inside = false;
    } catch {
      return; // the server is gone
    }
  }
}

async function journalOf(base: string): Promise<Row[]> {
  const rows: Row[] = [];
  let after: number | null = 0;
  while (after !== null) {
    const page = await call(`${base}/v1/journal?limit=5000&afterId=${after}`, 'GET');
    rows.push(...page.json.records);
    after = page.json.nextAfterId;
  }
  return rows;
}

describe('kill -9 of the HTTP server during taps', () => {
  const acks: Ack[] = [];
  const ids: string[] = [];

  it('set-up: cards and terminals', async () => {
    const base = await start();
    for (let i = 0; i < CARDS; i++) ids.push((await call(`${base}/v1/cards`, 'POST', { seed: 500 + i, balanceFen: INITIAL_FEN })).json.id);
    for (const body of [{ kind: 'topup', id: 'topup-1' }, { kind: 'gate', id: 'gate-entry', direction: 'entry' }, { kind: 'gate', id: 'gate-exit', direction: 'exit' }]) {
      expect((await call(`${base}/v1/terminals`, 'POST', body)).status).toBe(201);
    }
    await kill();
  }, 60_000);

  for (const [cycle, killAfterMs] of [
    [1, 300],
    [2, 700],
    [3, 1200],
  ] as const) {
    it(`cycle ${cycle}: kill within ${killAfterMs} ms of the fifth answered tap, restart, check`, async () => {
      const base = await start();
      const before = acks.length;
      const stop = { now: false };
      const riders = ids.map((id) => rider(base, id, acks, stop));
      // Kill once the load is running (a few taps answered: a busy machine may be slow to start),
      // then after a random delay, so the kill lands anywhere in a tap.
      const t0 = Date.now();
      while (acks.length < before + 5 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * killAfterMs)));
      await kill();
      stop.now = true;
      await Promise.all(riders);

      const again = await start();
      const journal = await journalOf(again);
      const key = (j: Ack['journal']) => `${j.serial}/${j.type}/${j.counter}/${j.amountFen}/${j.tac}`;
      const stored = new Set(journal.map(key));
      const missing = acks.filter((a) => !stored.has(key(a.journal)));
      expect(missing).toEqual([]);
      // taps were acknowledged in this cycle, so the kill hit a running load
      expect(acks.length).toBeGreaterThan(before);
      for (const id of ids) {
        const rows = journal.filter((r) => r.cardId === id);
        const loads = rows.filter((r) => r.type === 2).reduce((s, r) => s + r.amountFen, 0);
        const debits = rows.filter((r) => r.type !== 2).reduce((s, r) => s + r.amountFen, 0);
        const card = await call(`${again}/v1/cards/${id}`, 'GET');
        expect(card.status).toBe(200);
        expect(card.json.balanceFen, id).toBe(INITIAL_FEN + loads - debits);
        // the card and the terminals still work after the crash
        const probe = await call(`${again}/v1/cards/${id}/apdu`, 'POST', { apdu: '00a4040008a000000632010105' });
        expect(probe.json.sw).toBe('9000');
      }
      await kill();
      const store = new SqliteCardStore(join(dir, 'cards.db'), { now: Date.now });
      expect(store.integrityCheck()).toBe('ok');
      store.close();
    }, 60_000);
  }
});
