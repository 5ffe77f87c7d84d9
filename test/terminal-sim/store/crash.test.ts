// Crash safety of the SQLite store (issue 5: "kill -9 the server while a load of taps runs,
// restart it"). A child process (fixtures/crash-worker.ts) runs purse loads and purchases on
// three stored cards and acknowledges each one on stdout once StoredCard committed it; the
// parent kills it with SIGKILL at a random moment, reopens the database and checks: every
// acknowledged tap is in the journal, no journal row is torn, every image parses and rebuilds a
// card with nothing left to recover, and each card's balance and counters match its journal
// exactly. Three kill/restart cycles on one database, so a restart also continues from the
// stored state.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cardFromImage, purseCrypto } from '../../../engine/index.js';
import { SqliteCardStore } from '../../../terminal-sim/store/index.js';
import { peekPurse } from '../../engine/support/purse-terminal.js';

const FIXTURES = new URL('./fixtures/', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'ssc3-crash-'));
const db = join(dir, 'cards.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Ack {
  cardId: string;
  type: number;
  counter: number;
  amountFen: number;
}

/** Runs the worker until `killAfterMs` after it is ready, then SIGKILLs it; returns its acks. */
function runAndKill(seed: number, killAfterMs: number): Promise<{ acks: Ack[]; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', new URL('register-ts.mjs', FIXTURES).pathname, new URL('crash-worker.ts', FIXTURES).pathname, db, String(seed)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      if (!timer && out.startsWith('ready\n')) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(watchdog);
      if (timer) clearTimeout(timer);
      // Only whole lines were acknowledged: a line cut by the kill never reached a client.
      const lines = out.split('\n').slice(0, -1);
      const acks = lines
        .filter((l) => l.startsWith('ack '))
        .map((l) => {
          const [, cardId, type, counter, amountFen] = l.split(' ');
          return { cardId, type: Number(type), counter: Number(counter), amountFen: Number(amountFen) };
        });
      resolve({ acks, signal, stderr });
    });
  });
}

describe('SqliteCardStore survives kill -9 during a load of taps', () => {
  const allAcks: Ack[] = [];
  // Kill delays drawn at random within three bands (reported on failure).
  const bands: [number, number][] = [
    [50, 250],
    [250, 600],
    [600, 1000],
  ];

  it.each(bands.map((b, i) => [i + 1, b] as const))('cycle %i: kill within %j ms of ready, reopen, check', async (cycle, [lo, hi]) => {
    const delay = Math.round(lo + Math.random() * (hi - lo));
    const { acks, signal, stderr } = await runAndKill(cycle, delay);
    const ctx = `cycle ${cycle}, killed ${delay} ms after ready`;
    expect(stderr, ctx).toBe('');
    expect(signal, ctx).toBe('SIGKILL');
    allAcks.push(...acks);

    const store = new SqliteCardStore(db, { now: () => 0, mustExist: true });
    try {
      expect(store.integrityCheck(), ctx).toBe('ok');
      const rows = store.journal();
      // No torn rows: every field well-formed, ids strictly increasing.
      for (const [k, r] of rows.entries()) {
        expect(r.serial, ctx).toMatch(/^\d{20}$/);
        expect(r.tac, ctx).toMatch(/^[0-9a-f]{8}$/);
        expect(r.dateTime, ctx).toBe('20260314164329');
        expect([purseCrypto.TX_TYPE.EP_LOAD, purseCrypto.TX_TYPE.EP_PURCHASE], ctx).toContain(r.type);
        expect(r.amountFen, ctx).toBeGreaterThanOrEqual(100);
        if (k > 0) expect(r.id, ctx).toBeGreaterThan(rows[k - 1].id);
      }
      // Every acknowledged tap (from this and earlier cycles) is in the journal.
      const key = (a: Ack) => `${a.cardId}/${a.type}/${a.counter}/${a.amountFen}`;
      const journaled = new Set(rows.map((r) => key({ cardId: r.cardId!, type: r.type, counter: r.counter, amountFen: r.amountFen })));
      const missing = allAcks.filter((a) => !journaled.has(key(a)));
      expect(missing, ctx).toEqual([]);
      // Every card: a sound image, and state = journal.
      const cards = store.listCards();
      expect(cards.map((c) => c.id)).toEqual(['c1', 'c2', 'c3']);
      for (const { id } of cards) {
        const image = store.getImage(id)!;
        expect(image.nvm.journal, `${ctx}: ${id} left a torn NVM commit`).toBeUndefined();
        const card = cardFromImage(image);
        card.powerOn();
        expect(card.lastRecovery, ctx).toBe('clean');
        const purse = peekPurse(card);
        const mine = rows.filter((r) => r.cardId === id);
        const loads = mine.filter((r) => r.type === purseCrypto.TX_TYPE.EP_LOAD);
        const debits = mine.filter((r) => r.type === purseCrypto.TX_TYPE.EP_PURCHASE);
        const sum = (rs: typeof rows) => rs.reduce((s, r) => s + r.amountFen, 0);
        expect(purse.balanceFen, `${ctx}: ${id} balance`).toBe(sum(loads) - sum(debits));
        // Counters: one journal row per counter value, in order, and none beyond.
        expect(loads.map((r) => r.counter), ctx).toEqual(loads.map((_, k) => k));
        expect(debits.map((r) => r.counter), ctx).toEqual(debits.map((_, k) => k));
        expect(purse.online, ctx).toBe(loads.length);
        expect(purse.offline, ctx).toBe(debits.length);
      }
    } finally {
      store.close();
    }
  });

  it('saw taps acknowledged before the kills', () => {
    expect(allAcks.length).toBeGreaterThan(0);
  });
});
