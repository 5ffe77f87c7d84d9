// Test helpers for terminal-sim: issuing cards and PSAMs, patching card files through the card
// image (how a corrupted or differently personalised card is made), inspecting a card through a
// reader (GET BALANCE, the counters from INITIALIZE with amount 0, the 1A rail record), and a
// Reader wrapper that fails chosen commands.
import { cardFromImage, issueCard, purseCrypto, type Card } from '../../../engine/index.js';
import { bytesToHex, hexToBytes } from '../../../crypto/utils.js';
import { CardRemovedError, MemoryReader, type Reader, type TransmitOptions, type ApduTraceHook } from '../../../terminal-sim/reader/index.js';
import {
  getBalance,
  initializeForCappPurchase,
  initializeForLoad,
  readTransitRecord,
  selectTransitApplication,
  type TransitRecord,
} from '../../../terminal-sim/transit/index.js';

export const ALGS = ['3des', 'sm4'] as const;
export type Alg = (typeof ALGS)[number];

/** 2026-03-02 08:30 Beijing. */
export const T0 = Date.UTC(2026, 2, 2, 0, 30, 0);

export function newCard(algorithm: Alg, opts: { seed?: number; balanceFen?: number; profile?: string; protocol?: 'T=0' | 'T=1' } = {}): Card {
  return issueCard({ algorithm, seed: opts.seed ?? 1, balanceFen: opts.balanceFen ?? 0, profile: opts.profile, protocol: opts.protocol, issuedAt: T0 - 86_400_000 });
}

/** Cell names of the transit ADF (engine/apps/transit/layout.ts: ADF 1001 under the MF). */
export const CELL = {
  ef17: 'f:3f00/1001/0017',
  rail: 'r:3f00/1001/001a:1',
};

/** A copy of `card` with NVM cells replaced (hex values). */
export function patchCard(card: Card, cells: Record<string, Uint8Array>): Card {
  const image = card.toJSON();
  for (const [k, v] of Object.entries(cells)) {
    if (!(k in image.nvm.cells)) throw new Error(`no cell ${k}`);
    image.nvm.cells[k] = bytesToHex(v);
  }
  return cardFromImage(image);
}

export function cell(card: Card, key: string): Uint8Array {
  const v = card.peekCell(key);
  if (!v) throw new Error(`no cell ${key}`);
  return v;
}

export interface CardState {
  balanceFen: number;
  onlineCounter: number;
  offlineCounter: number;
  rail: TransitRecord;
}

const PROBE_TERMINAL = hexToBytes('999999999999');

/** Reads a card's purse state through a reader of its own (the card is put back out). */
export async function inspect(card: Card): Promise<CardState> {
  const r = new MemoryReader('inspect', { card });
  try {
    await r.connect();
    await selectTransitApplication(r);
    const balanceFen = await getBalance(r);
    const load = await initializeForLoad(r, { keyIndex: 1, amountFen: 0, terminalId: PROBE_TERMINAL });
    const purchase = await initializeForCappPurchase(r, { keyIndex: 1, amountFen: 0, terminalId: PROBE_TERMINAL });
    const rail = await readTransitRecord(r, 1);
    if (!rail.ok) throw new Error(`1A unreadable: ${rail.detail}`);
    return { balanceFen, onlineCounter: load.onlineCounter, offlineCounter: purchase.offlineCounter, rail: rail.record };
  } finally {
    r.removeCard();
  }
}

/** A connected reader with `card` in it and the transit application selected. */
export async function selectedReader(card: Card, trace?: ApduTraceHook): Promise<MemoryReader> {
  const r = new MemoryReader('test', { card, trace });
  await r.connect();
  await selectTransitApplication(r);
  return r;
}

/**
 * A Reader that delegates to another and, for commands matching `failWhen`, throws the error
 * instead of sending (e.g. a PSAM lost at CREDIT SAM FOR PURCHASE).
 */
export class FlakyReader implements Reader {
  failWhen: ((apdu: Uint8Array) => Error | undefined) | undefined;
  constructor(private readonly inner: Reader) {}
  get name(): string {
    return this.inner.name;
  }
  get isConnected(): boolean {
    return this.inner.isConnected;
  }
  isCardPresent(): boolean {
    return this.inner.isCardPresent();
  }
  connect(): Promise<Uint8Array> {
    return this.inner.connect();
  }
  async transmit(apdu: Uint8Array, options?: TransmitOptions): Promise<Uint8Array> {
    const e = this.failWhen?.(apdu);
    if (e) throw e;
    return this.inner.transmit(apdu, options);
  }
  disconnect(): Promise<void> {
    return this.inner.disconnect();
  }
  setTrace(hook: ApduTraceHook | undefined): void {
    this.inner.setTrace(hook);
  }
}

export const removedAt = (ins: number, reader: string) => (apdu: Uint8Array) =>
  apdu[0] === 0x80 && apdu[1] === ins ? new CardRemovedError(reader, 'removed (test)') : undefined;

/** The demo issuer's keys, fresh copies. */
export const DEMO = purseCrypto.DEMO_ISSUER_KEYS;

/** Issuer keys other than the demo's (a foreign issuer). */
export const OTHER_KEYS = {
  purchase: hexToBytes('a1a2a3a4a5a6a7a8a9aaabacadaeafa0'),
  load: hexToBytes('b1b2b3b4b5b6b7b8b9babbbcbdbebfb0'),
  tac: hexToBytes('c1c2c3c4c5c6c7c8c9cacbcccdcecfc0'),
  keyIndex: 1,
  keyVersion: 1,
};
