/**
 * A ready-made transit installation for demos, benchmarks and tests: an issued card, an issuer
 * host, a top-up terminal, an entry gate and an exit gate (each with its own reader and PSAM),
 * one journal and a manual clock — everything seeded, so a run reproduces every byte.
 *
 *   const s = createTransitSetup({ algorithm: 'sm4', seed: 7, trace: (e) => console.log(formatTraceEvent(e)) });
 *   await s.load(5000);            // top up 50 yuan
 *   await s.enter();               // entry gate, 08:30 Beijing
 *   s.clock.advanceMinutes(25);
 *   await s.exit();                // exit gate: charged the fare
 *   s.clear();                     // every TAC verified
 *
 * The helpers put the card in the terminal's reader, run the terminal, and take the card out;
 * the parts are exposed for anything finer (tearing, several cards, custom fares).
 */
import { issueCard as engineIssueCard, purseCrypto, TRANSIT_AID } from '../../engine/index.js';
import type { Card, IssuerKeys } from '../../engine/index.js';
import { hexToBytes } from '../../crypto/utils.js';
import { clear, type ClearingResult } from '../clearing/clear.js';
import { Journal } from '../clearing/journal.js';
import { IssuerHost } from '../issuer/issuer-host.js';
import { issuePsam } from '../psam/issue-psam.js';
import { MemoryReader } from '../reader/memory-reader.js';
import type { ApduTraceHook } from '../reader/trace.js';
import { getBalance } from '../transit/purse-query.js';
import { selectTransitApplication } from '../transit/select.js';
import { ManualClock } from './clock.js';
import { beijingFare } from './beijing-fare.js';
import type { FareFunction } from './fare.js';
import { Gate, type GateOutcome } from './gate.js';
import { TopUpTerminal, type TopUpOutcome } from './topup.js';

export interface TransitSetupOptions {
  /** Purse algorithm of the issued cards; default '3des'. */
  algorithm?: purseCrypto.PurseAlg;
  /** Seed of cards and PSAMs; default 1. */
  seed?: number;
  /** Clock start (epoch ms); default 2026-03-02 08:30 Beijing. */
  startMs?: number;
  /** Balance of the first card at issue (fen); default 0. */
  balanceFen?: number;
  /** Card profile of the first card; default 'beijing-standard'. */
  profile?: string;
  /** Issuer master keys; default the demo keys (test only). */
  issuerKeys?: IssuerKeys;
  /**
   * Exit gate fare; default flat 300 fen. 'beijing' prices with the fare engine
   * ({@link beijingFare}: sample network, shipped tariffs) and puts the gates at
   * {@link BEIJING_SETUP_STATIONS} (土桥 → 国贸) unless `stations` says otherwise.
   */
  fare?: FareFunction | 'beijing';
  /** Gate stations (line, station codes); default {@link SETUP_STATIONS}, or BEIJING_SETUP_STATIONS with fare 'beijing'. */
  stations?: { entry: { line: number; station: number }; exit: { line: number; station: number } };
  /** APDU trace of every reader (card fields and PSAM slots). */
  trace?: ApduTraceHook;
}

export interface TransitSetup {
  readonly algorithm: purseCrypto.PurseAlg;
  readonly seed: number;
  readonly clock: ManualClock;
  readonly issuerKeys: IssuerKeys;
  /** The first issued card. */
  readonly card: Card;
  /** Issues another card (its own seed: a different serial). */
  issueCard(opts?: { seed?: number; profile?: string; balanceFen?: number; algorithm?: purseCrypto.PurseAlg }): Card;
  readonly readers: {
    topUp: MemoryReader;
    entry: MemoryReader;
    exit: MemoryReader;
    entrySam: MemoryReader;
    exitSam: MemoryReader;
    /** A plain reader for inspecting cards (balance checks). */
    desk: MemoryReader;
  };
  readonly psams: { entry: Card; exit: Card };
  readonly host: IssuerHost;
  readonly journal: Journal;
  readonly topUp: TopUpTerminal;
  readonly entryGate: Gate;
  readonly exitGate: Gate;
  /** Top-up terminal: load `amountFen` onto `card` (default the first card). */
  load(amountFen: number, card?: Card): Promise<TopUpOutcome>;
  /** Tap `card` on the entry gate. */
  enter(card?: Card): Promise<GateOutcome>;
  /** Tap `card` on the exit gate. */
  exit(card?: Card): Promise<GateOutcome>;
  /** GET BALANCE through the desk reader. */
  balanceFen(card?: Card): Promise<number>;
  /** Clears the journal with the issuer's keys. */
  clear(): ClearingResult;
}

/** 2026-03-02 08:30:00 Beijing (00:30 UTC). */
export const DEFAULT_START_MS = Date.UTC(2026, 2, 2, 0, 30, 0);

/** Terminal ids of the setup [P: any 6 bytes; these read as operator 10, device numbers]. */
export const SETUP_TERMINAL_IDS = Object.freeze({ topUp: '100000009001', entry: '100000000101', exit: '100000000205' });
/** Gate stations of the setup (line, station). */
export const SETUP_STATIONS = Object.freeze({ entry: { line: 1, station: 101 }, exit: { line: 2, station: 205 } });
/**
 * Gate stations with fare 'beijing': 土桥 (entry) and 国贸 (exit), codes of the sample network's
 * StationDirectory (1号线 is line 1; 国贸 its 1st station, 土桥 its 15th) — 21.1 km, 5 yuan.
 */
export const BEIJING_SETUP_STATIONS = Object.freeze({ entry: { line: 1, station: 15 }, exit: { line: 1, station: 1 } });

/**
 * Builds the installation.
 * @throws RangeError for an unknown algorithm or profile.
 */
export function createTransitSetup(opts: TransitSetupOptions = {}): TransitSetup {
  const algorithm = opts.algorithm ?? '3des';
  if (!purseCrypto.PURSE_ALGS.includes(algorithm)) throw new RangeError(`"algorithm" expected '3des' or 'sm4', got ${String(algorithm)}`);
  const seed = opts.seed ?? 1;
  const clock = new ManualClock(opts.startMs ?? DEFAULT_START_MS);
  const issuerKeys = opts.issuerKeys ?? purseCrypto.DEMO_ISSUER_KEYS;
  const issuedAt = clock.now() - 86_400_000;
  const issueCard: TransitSetup['issueCard'] = (o = {}) =>
    engineIssueCard({
      profile: o.profile ?? 'beijing-standard',
      algorithm: o.algorithm ?? algorithm,
      seed: o.seed ?? seed,
      balanceFen: o.balanceFen ?? 0,
      issuerKeys,
      issuedAt,
    });
  const card = issueCard({ profile: opts.profile, balanceFen: opts.balanceFen });
  const reader = (name: string, c?: Card) => new MemoryReader(name, { card: c, trace: opts.trace });
  const psams = {
    entry: issuePsam({ terminalId: SETUP_TERMINAL_IDS.entry, seed, issuerKeys }),
    exit: issuePsam({ terminalId: SETUP_TERMINAL_IDS.exit, seed, issuerKeys }),
  };
  const readers = {
    topUp: reader('top-up'),
    entry: reader('entry-gate'),
    exit: reader('exit-gate'),
    entrySam: reader('entry-gate-sam', psams.entry),
    exitSam: reader('exit-gate-sam', psams.exit),
    desk: reader('desk'),
  };
  const host = new IssuerHost(issuerKeys);
  const journal = new Journal();
  const topUp = new TopUpTerminal({ reader: readers.topUp, host, clock, journal, terminalId: SETUP_TERMINAL_IDS.topUp, keyIndex: issuerKeys.keyIndex });
  const fare = opts.fare === 'beijing' ? beijingFare() : opts.fare;
  const stations = opts.stations ?? (opts.fare === 'beijing' ? BEIJING_SETUP_STATIONS : SETUP_STATIONS);
  const gate = (direction: 'entry' | 'exit') =>
    new Gate({
      direction,
      cardReader: readers[direction],
      psam: direction === 'entry' ? readers.entrySam : readers.exitSam,
      clock,
      journal,
      station: { ...stations[direction] },
      keyIndex: issuerKeys.keyIndex,
      ...(fare ? { fare } : {}),
    });
  const entryGate = gate('entry');
  const exitGate = gate('exit');

  async function tap<T>(r: MemoryReader, c: Card, run: () => Promise<T>): Promise<T> {
    r.insertCard(c);
    try {
      return await run();
    } finally {
      r.removeCard();
    }
  }

  return {
    algorithm,
    seed,
    clock,
    issuerKeys,
    card,
    issueCard,
    readers,
    psams,
    host,
    journal,
    topUp,
    entryGate,
    exitGate,
    load: (amountFen, c = card) => tap(readers.topUp, c, () => topUp.load(amountFen)),
    enter: (c = card) => tap(readers.entry, c, () => entryGate.present()),
    exit: (c = card) => tap(readers.exit, c, () => exitGate.present()),
    balanceFen: (c = card) =>
      tap(readers.desk, c, async () => {
        await readers.desk.connect();
        await selectTransitApplication(readers.desk);
        return getBalance(readers.desk);
      }),
    clear: () => clear(journal.records, issuerKeys),
  };
}

/** The transit AID as bytes (for Card.setApplicationBlocked and the like). */
export const TRANSIT_AID_BYTES: Uint8Array = hexToBytes(TRANSIT_AID);
