// The APDU fuzzer: a seeded stream of random APDUs, mutated valid APDUs and valid purse flows
// with random data (interrupted by the former), sent to a personalised card, with random power
// tears. A model of the purse checks the card after every APDU:
//
// - transmit lets nothing escape but CardPowerError, and that only when a tear was injected;
// - every response is ≥ 2 bytes ending in 9000, 61xx, 6Cxx, 6282 or a status word of the
//   engine's table (swInfo(sw).name !== 'UNKNOWN'); 6F00 (an exception inside the card) is a
//   finding; error status words carry no data; T=1 never answers 61xx / 6Cxx;
// - NVM changes only through CREDIT FOR LOAD / DEBIT FOR PURCHASE carrying a MAC this fuzzer
//   computed (random commands cannot forge MACs), and then exactly as the purse must: balance =
//   initial + loaded − debited ≤ max balance, one counter +1, one new 0018 record, the cached 80DC
//   records and nothing else, the last-transaction proof = TAC ‖ MAC2 (checked with the issuer
//   keys);
// - after a torn commit the card is exactly before or exactly after; after any other tear it is
//   unchanged;
// - the card image stays valid JSON that cardFromImage accepts and restores cell for cell
//   (checked every IMAGE_CHECK_EVERY APDUs, after every 16th commit, after every torn commit and
//   at the end: an image is a pure function of the NVM, which is compared after every APDU, so
//   sampling loses nothing but the exact index of a bad image).
//
// Findings are collected (the first few of each kind in full) instead of stopping at the first,
// and nothing is shrunk: each carries the seed, the APDU index, the APDU and response in hex and
// the exchanges before it, so `FUZZ_SEED=<seed>` replays the run exactly.
import { CardPowerError } from '../../engine/card/card.js';
import type { Card, Protocol, TearPhase } from '../../engine/card/card.js';
import { seededRng } from '../../engine/card/env.js';
import { readRecord, recordCount } from '../../engine/card/fs.js';
import type { CellStore, DfNode, EfNode } from '../../engine/card/fs.js';
import { parseCommand, encodeCommand } from '../../engine/apdu/command.js';
import type { CommandApdu } from '../../engine/apdu/command.js';
import { swInfo } from '../../engine/apdu/sw.js';
import { cardFromImage, issueCard } from '../../engine/personalise/issue-card.js';
import { cells, SFI, TRANSIT_AID } from '../../engine/apps/transit/layout.js';
import * as pc from '../../engine/apps/transit/purse-crypto.js';
import type { PurseAlg, PurseKeys } from '../../engine/apps/transit/purse-crypto.js';
import { bytesToHex, concatBytes, hexToBytes } from '../../crypto/utils.js';

export interface FuzzConfig {
  /** Seed of everything: the APDU stream, the card, the tears. */
  seed: number;
  /** Number of APDUs to send. */
  apdus: number;
  alg: PurseAlg;
  protocol: Protocol;
}

export interface Finding {
  kind: string;
  /** 0-based index of the APDU in the run. */
  index: number;
  apdu: string;
  response: string;
  detail: string;
  /** The exchanges before it, oldest first: `apdu → response`. */
  context: string[];
}

export interface FuzzReport {
  config: FuzzConfig;
  sent: number;
  ms: number;
  tears: number;
  restarts: number;
  commits: { load: number; purchase: number; capp: number };
  /** How often each status word came back (hex → count). */
  sw: Record<string, number>;
  /** Number of findings per kind. */
  findingCounts: Record<string, number>;
  /** The first FINDINGS_KEPT findings of each kind. */
  findings: Finding[];
}

const FINDINGS_KEPT = 3;
const CONTEXT_LEN = 8;
/** A power of two (the check is a mask). */
const IMAGE_CHECK_EVERY = 1024;
const MAX_BALANCE_FEN = 100_000;
const INITIAL_BALANCE_FEN = 20_000;

// ---------------------------------------------------------------------------------------------
// Randomness of the fuzzer itself (mulberry32: small, fast, seedable; not the card's Rng)

interface Prng {
  u32(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  bytes(n: number): Uint8Array;
  pick<T>(xs: readonly T[]): T;
}

function mulberry32(seed: number): Prng {
  let a = seed >>> 0;
  const u32 = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const int = (n: number): number => Math.floor((u32() / 0x1_0000_0000) * n);
  return {
    u32,
    int,
    chance: (p) => u32() / 0x1_0000_0000 < p,
    bytes(n) {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = u32() & 0xff;
      return out;
    },
    pick: (xs) => xs[int(xs.length)],
  };
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const hx = bytesToHex;
const h = (s: string): Uint8Array => hexToBytes(s);

function be(n: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = n & 0xff;
    n = Math.floor(n / 256);
  }
  return out;
}

function num(b: Uint8Array | undefined): number {
  let n = 0;
  if (b) for (const x of b) n = n * 256 + x;
  return n;
}

function tryParse(apdu: Uint8Array): CommandApdu | undefined {
  try {
    return parseCommand(apdu);
  } catch {
    return undefined;
  }
}

function swOf(resp: Uint8Array): number {
  return (resp[resp.length - 2] << 8) | resp[resp.length - 1];
}

/** A valid BCD date (2000–2099) and time, or, rarely, malformed ones. */
function dateTime(rng: Prng): { date: Uint8Array; time: Uint8Array } {
  if (rng.chance(0.03)) return { date: rng.bytes(4), time: rng.bytes(3) };
  const two = (n: number) => ((Math.floor(n / 10) << 4) | n % 10) & 0xff;
  return {
    date: Uint8Array.of(0x20, two(rng.int(100)), two(1 + rng.int(12)), two(1 + rng.int(28))),
    time: Uint8Array.of(two(rng.int(24)), two(rng.int(60)), two(rng.int(60))),
  };
}

// ---------------------------------------------------------------------------------------------
// The model of the purse

interface CacheEntry {
  sfi: number;
  mode: number;
  p1: number;
  data: Uint8Array;
}

interface LoadSession {
  kind: 'load';
  amountFen: number;
  terminalId: Uint8Array;
  keyIndex: number;
  random: Uint8Array;
  counter: number;
}

interface PurchaseSession {
  kind: 'purchase';
  type: number;
  amountFen: number;
  terminalId: Uint8Array;
  keyIndex: number;
  random: Uint8Array;
  counter: number;
  cache: CacheEntry[];
}

type Session = LoadSession | PurchaseSession;

/** A CREDIT / DEBIT this fuzzer built with a valid MAC: the only commands that may change NVM. */
interface ExpectedCommit {
  ins: number;
  dataHex: string;
  session: Session;
  date: Uint8Array;
  time: Uint8Array;
  terminalSeq: Uint8Array;
  /** TAC (load) or TAC ‖ MAC2 (purchase): the response the card must give. */
  responseHex: string;
  /** TAC ‖ MAC2: what GET TRANSACTION PROVE must give afterwards. */
  proofHex: string;
}

type Step = () => Uint8Array | undefined;

interface Proof {
  type: number;
  counter: number;
  proofHex: string;
}

/** Runs one fuzz campaign against one card. Never throws for card behaviour: see the report. */
export function runFuzz(cfg: FuzzConfig, hooks: FuzzHooks = {}): FuzzReport {
  return new Fuzzer(cfg, hooks).run();
}

/** For the fuzzer's own tests: run it against a card built differently (e.g. a sabotaged one). */
export interface FuzzHooks {
  /**
   * Builds the (powered-off) card to fuzz, personalised like `issueCard` with the demo keys and
   * INITIAL_BALANCE_FEN; restarts from the image then use the default applications.
   */
  card?: (cfg: FuzzConfig, issue: Parameters<typeof issueCard>[0]) => Card;
}

class Fuzzer {
  private readonly rng: Prng;
  private card: Card;
  private readonly keys: PurseKeys;
  private readonly df: DfNode;
  private readonly ef18: EfNode;
  private readonly ef1a: EfNode;
  private readonly ef1e: EfNode;
  private readonly report: FuzzReport;
  private readonly context: string[] = [];
  private readonly t0: boolean;

  // Model.
  private balanceFen = INITIAL_BALANCE_FEN;
  private online = 0;
  private offline = 0;
  private session: Session | undefined;
  private expected: ExpectedCommit | undefined;
  /** The last proof of each counter (GET TRANSACTION PROVE keeps one per counter [P]). */
  private proofs: { online?: Proof; offline?: Proof } = {};
  /** T=0: the command whose response waits behind 61xx, and the data fetched so far. */
  private pending: { apdu: Uint8Array; cmd: CommandApdu; data: Uint8Array } | undefined;
  /** T=0: the response a commit must give once fetched. */
  private awaitedResponse: { apduHex: string; responseHex: string } | undefined;
  private lastLe = 0;
  private flow: Step[] = [];
  /** The current flow runs without random APDUs in between. */
  private flowClean = false;
  private prev: Map<string, Uint8Array>;
  private index = 0;
  private restarts = 0;
  private commitsSeen = 0;

  constructor(
    private readonly cfg: FuzzConfig,
    hooks: FuzzHooks,
  ) {
    this.rng = mulberry32(cfg.seed);
    this.t0 = cfg.protocol === 'T=0';
    const issue = { algorithm: cfg.alg, seed: cfg.seed, balanceFen: INITIAL_BALANCE_FEN, protocol: cfg.protocol };
    this.card = hooks.card ? hooks.card(cfg, issue) : issueCard(issue);
    this.card.powerOn();
    this.keys = pc.diversifyCardKeys(cfg.alg, pc.DEMO_ISSUER_KEYS, h(String(this.card.info.serial)));
    this.df = this.card.fs.findByAid(h(TRANSIT_AID))!;
    this.ef18 = this.df.efsBySfi.get(SFI.TX_LOG)!;
    this.ef1a = this.df.efsBySfi.get(SFI.COMPOUND)!;
    this.ef1e = this.df.efsBySfi.get(SFI.TRAVEL_LOG)!;
    this.prev = this.snapshot();
    this.report = { config: cfg, sent: 0, ms: 0, tears: 0, restarts: 0, commits: { load: 0, purchase: 0, capp: 0 }, sw: {}, findingCounts: {}, findings: [] };
  }

  run(): FuzzReport {
    const t = performance.now();
    for (this.index = 0; this.index < this.cfg.apdus; this.index++) this.step();
    this.checkImage('end of run');
    this.report.sent = this.cfg.apdus;
    this.report.restarts = this.restarts;
    this.report.ms = Math.round(performance.now() - t);
    return this.report;
  }

  // -------------------------------------------------------------------------------------------
  // One APDU

  private step(): void {
    const rng = this.rng;
    // Rare environment events: a voluntary power cycle, a simulator restart from the image.
    if (rng.chance(0.002)) this.powerCycle();
    if (rng.chance(0.0005)) this.restartFromImage();

    const apdu = this.nextApdu();
    const tear = rng.chance(0.004) ? this.armTear() : undefined;
    const commitCandidate = this.commitCandidate(apdu);

    let resp: Uint8Array | undefined;
    try {
      resp = this.card.transmit(apdu);
    } catch (e) {
      if (tear && e instanceof CardPowerError && e.torn) {
        this.afterTear(apdu, commitCandidate);
        return;
      }
      this.find('exception', apdu, undefined, `transmit threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}${tear ? ' (a tear was armed)' : ''}`);
      this.recoverFromSurprise();
      return;
    }
    if (tear) {
      this.find('tear-not-honoured', apdu, resp, `a ${tear} tear was armed for this APDU but it completed`);
      this.card.clearTear();
    }
    this.observe(apdu, resp, commitCandidate);
  }

  private armTear(): string {
    const phase = this.rng.pick<TearPhase>(['before-commit', 'during-commit', 'after-commit']);
    const step = 1 + this.rng.int(12);
    this.card.injectTear({ afterApdus: 0, phase, step });
    this.report.tears++;
    return phase === 'during-commit' ? `${phase} step ${step}` : phase;
  }

  /** The valid commit this APDU carries, if the card may accept it (its data is one we MACed). */
  private commitCandidate(apdu: Uint8Array): ExpectedCommit | undefined {
    const e = this.expected;
    if (!e) return undefined;
    const cmd = tryParse(apdu);
    if (!cmd || cmd.cla !== 0x80 || cmd.ins !== e.ins) return undefined;
    const got = hx(cmd.data);
    if (got === e.dataHex) return e;
    // DEBIT: MAC1 does not cover terminal-seq bytes 0–1 (the session key takes only seq[2..3],
    // DOMAIN.md §3 [V]; the TAC covers all four). A mutation there is still a valid debit.
    const s = e.session;
    if (e.ins === 0x54 && s.kind === 'purchase' && cmd.data.length === 15 && got.slice(4) === e.dataHex.slice(4)) {
      const terminalSeq = cmd.data.slice(0, 4);
      const tac = pc.computePurchaseTac(this.cfg.alg, this.keys.tac, { amountFen: s.amountFen, type: s.type, terminalId: s.terminalId, terminalSeq, date: e.date, time: e.time });
      const responseHex = hx(tac) + e.responseHex.slice(8);
      return { ...e, dataHex: got, terminalSeq, responseHex, proofHex: responseHex };
    }
    return undefined;
  }

  private observe(apdu: Uint8Array, resp: Uint8Array, candidate: ExpectedCommit | undefined): void {
    this.context.push(`${hx(apdu)} → ${hx(resp)}`);
    if (this.context.length > CONTEXT_LEN + 1) this.context.shift();
    if (resp.length < 2) {
      this.find('short-response', apdu, resp, `response of ${resp.length} bytes`);
      return;
    }
    const sw = swOf(resp);
    const data = resp.subarray(0, resp.length - 2);
    const key = sw.toString(16).padStart(4, '0');
    this.report.sw[key] = (this.report.sw[key] ?? 0) + 1;
    const cmd = tryParse(apdu);
    const isGetResponse = !!cmd && cmd.ins === 0xc0 && (cmd.cla & 0xf3) === 0x00;

    // Status word checks.
    const family = sw & 0xff00;
    const known = sw === 0x9000 || family === 0x6100 || family === 0x6c00 || sw === 0x6282 || swInfo(sw).name !== 'UNKNOWN';
    if (!known) this.find('unknown-sw', apdu, resp, `status word ${key} is not in the SW table`);
    if (sw === 0x6f00) this.find('internal-error-6f00', apdu, resp, 'the card caught an exception that is not a card outcome (SwError)');
    if (!this.t0 && (family === 0x6100 || family === 0x6c00)) this.find('t0-sw-under-t1', apdu, resp, `${key} from a T=1 card`);
    const mayCarryData = sw === 0x9000 || sw === 0x6282 || (family === 0x6100 && isGetResponse);
    if (data.length > 0 && !mayCarryData) this.find('error-with-data', apdu, resp, `${key} carries ${data.length} data bytes`);
    if (sw === 0x6282 && cmd && cmd.ins !== 0xb0) this.find('6282-outside-read-binary', apdu, resp, '6282 from a command other than READ BINARY');

    // NVM: unchanged unless this was one of our valid commits and the card accepted it.
    const now = this.snapshot();
    const accepted = !!cmd && cmd.cla === 0x80 && (cmd.ins === 0x52 || cmd.ins === 0x54) && (sw === 0x9000 || family === 0x6100);
    if (accepted) {
      if (!candidate || (cmd.ins === 0x54 && (cmd.p1 !== 0x01 || cmd.p2 !== 0x00)) || (cmd.ins === 0x52 && (cmd.p1 !== 0 || cmd.p2 !== 0))) {
        this.find('forged-commit', apdu, resp, `the card accepted ${cmd.ins === 0x52 ? 'CREDIT FOR LOAD' : 'DEBIT'} with data or parameters this fuzzer did not MAC`);
        this.resync(now);
      } else {
        this.applyCommit(candidate, apdu, resp, now);
        if (sw === 0x9000) this.checkResponse(hx(data), candidate.responseHex, cmd.ne, apdu, resp);
        else this.awaitedResponse = { apduHex: hx(apdu), responseHex: candidate.responseHex };
      }
    } else {
      const changed = diffCells(this.prev, now);
      if (changed.length) {
        this.find('nvm-changed', apdu, resp, `cells changed without a valid commit: ${changed.join(', ')}`);
        this.resync(now);
      }
    }
    this.prev = now;

    // Volatile model: T=0 pending data, sessions, the 80DC cache.
    this.trackSession(apdu, cmd, data, sw, isGetResponse);
    if ((this.index & (IMAGE_CHECK_EVERY - 1)) === 0) this.checkImage('periodic');
  }

  private trackSession(apdu: Uint8Array, cmd: CommandApdu | undefined, data: Uint8Array, sw: number, isGetResponse: boolean): void {
    if (this.t0) {
      if (isGetResponse) {
        if (sw === 0x9000 || (sw & 0xff00) === 0x6100) {
          if (!this.pending) {
            if (data.length) this.find('stale-get-response', apdu, concatBytes(data, be(sw, 2)), 'GET RESPONSE returned data although another command came after the 61xx');
          } else {
            this.pending.data = concatBytes(this.pending.data, data);
            if (sw === 0x9000) {
              const p = this.pending;
              this.pending = undefined;
              this.effective(p.apdu, p.cmd, p.data, 0x9000);
            } else this.lastLe = sw & 0xff || 256;
          }
        }
        return;
      }
      this.pending = undefined;
      if (cmd && (sw & 0xff00) === 0x6100) {
        this.pending = { apdu, cmd, data: new Uint8Array(0) };
        this.lastLe = sw & 0xff || 256;
      }
    }
    if (!cmd) return;
    if (cmd.cla === 0x80 && cmd.ins === 0x50) this.session = undefined; // any INITIALIZE ends the old session
    if (cmd.cla === 0x80 && cmd.ins === 0xdc && sw === 0x9000) this.cacheRecord(apdu, cmd, sw);
    if (sw === 0x9000 || (sw & 0xff00) === 0x6100) {
      if (cmd.cla === 0x80 && (cmd.ins === 0x52 || cmd.ins === 0x54)) this.session = undefined;
    }
    if (!this.t0 || (sw & 0xff00) !== 0x6100) this.effective(apdu, cmd, data, sw);
  }

  /** A command's complete response (under T=0 once GET RESPONSE fetched it). */
  private effective(apdu: Uint8Array, cmd: CommandApdu, data: Uint8Array, sw: number): void {
    const full = concatBytes(data, be(sw, 2));
    if (this.awaitedResponse && this.awaitedResponse.apduHex === hx(apdu)) {
      if (sw === 0x9000) this.checkResponse(hx(data), this.awaitedResponse.responseHex, 0, apdu, full);
      this.awaitedResponse = undefined;
    }
    if (cmd.cla !== 0x80 || sw !== 0x9000) return;
    if (cmd.ins === 0x50 && cmd.data.length === 11 && cmd.p2 === 0x02 && (cmd.p1 === 0x00 || cmd.p1 === 0x01 || cmd.p1 === 0x03)) {
      const keyIndex = cmd.data[0];
      const amountFen = num(cmd.data.subarray(1, 5));
      const terminalId = cmd.data.slice(5, 11);
      const algId = hx(Uint8Array.of(this.cfg.alg === '3des' ? 0 : 4));
      const load = cmd.p1 === 0x00;
      const fullLen = load ? 16 : 15;
      // balance ‖ counter ‖ key version ‖ alg id (load); balance ‖ counter ‖ overdraft ‖ key version ‖ alg id (purchase)
      const want = load ? `${hx(be(this.balanceFen, 4))}${hx(be(this.online, 2))}01${algId}` : `${hx(be(this.balanceFen, 4))}${hx(be(this.offline, 2))}00000001${algId}`;
      if (!load && amountFen > this.balanceFen) this.find('overspend-allowed', apdu, full, `INITIALIZE accepted ${amountFen} fen with a balance of ${this.balanceFen}`);
      // A short Le truncates the response (T=1 returns at most Ne bytes): check what came, learn nothing.
      const got = hx(data);
      if (data.length < fullLen) {
        const n = Math.min(got.length, want.length);
        if (data.length !== cmd.ne || got.slice(0, n) !== want.slice(0, n)) {
          this.find('init-response', apdu, full, `INITIALIZE answered ${data.length} bytes (Le ${cmd.ne})`);
        }
        return;
      }
      if (data.length !== fullLen) return this.find('init-response', apdu, full, `INITIALIZE answered ${data.length} bytes`);
      if (got.slice(0, want.length) !== want) this.find('init-response', apdu, full, `INITIALIZE fields ${got.slice(0, want.length)}, model ${want}`);
      if (load) {
        const random = data.slice(8, 12);
        const mac1 = pc.computeLoadMac1(this.cfg.alg, this.keys.load, { random, onlineCounter: this.online }, { balanceFen: this.balanceFen, amountFen, type: pc.TX_TYPE.EP_LOAD, terminalId });
        if (hx(mac1) !== hx(data.subarray(12, 16))) this.find('init-response', apdu, full, `load MAC1 ${hx(data.subarray(12, 16))}, issuer computes ${hx(mac1)}`);
        this.session = { kind: 'load', amountFen, terminalId, keyIndex, random, counter: this.online };
      } else {
        const type = cmd.p1 === 0x03 ? pc.TX_TYPE.CAPP_PURCHASE : pc.TX_TYPE.EP_PURCHASE;
        this.session = { kind: 'purchase', type, amountFen, terminalId, keyIndex, random: data.slice(11, 15), counter: this.offline, cache: [] };
      }
    } else if (cmd.ins === 0x5c && data.length === 4 && num(data) !== this.balanceFen) {
      this.find('balance-mismatch', apdu, full, `GET BALANCE ${num(data)}, model ${this.balanceFen}`);
    } else if (cmd.ins === 0x5a) {
      const p = cmd.p2 === pc.TX_TYPE.EP_LOAD || cmd.p2 === pc.TX_TYPE.ED_LOAD ? this.proofs.online : this.proofs.offline;
      if (!p || cmd.p2 !== p.type || num(cmd.data) !== p.counter) {
        this.find('prove-mismatch', apdu, full, `GET TRANSACTION PROVE answered for type ${cmd.p2}, counter ${num(cmd.data)}: not the last transaction of that counter`);
        return;
      }
      // Le may truncate (T=1): what came must be the start of the proof.
      const got = hx(data);
      const ok = data.length === 8 ? got === p.proofHex : data.length === cmd.ne && p.proofHex.startsWith(got);
      if (!ok) this.find('prove-mismatch', apdu, full, `GET TRANSACTION PROVE ${got}, expected ${p.proofHex}`);
    }
  }

  private cacheRecord(apdu: Uint8Array, cmd: CommandApdu, sw: number): void {
    const sfi = cmd.p2 >> 3;
    const mode = cmd.p2 & 7;
    if (sfi !== SFI.COMPOUND && sfi !== SFI.TRAVEL_LOG) {
      this.find('capp-cache-foreign-file', apdu, be(sw, 2), `UPDATE CAPP DATA CACHE accepted a record for SFI ${sfi.toString(16)} (only 1A and 1E are CAPP files; 0018 is written by the purse)`);
    }
    if (this.session?.kind === 'purchase') this.session.cache.push({ sfi, mode, p1: cmd.p1, data: cmd.data.slice() });
  }

  /** A commit's response against the issuer's computation; a short Le (T=1) may truncate it. */
  private checkResponse(gotHex: string, wantHex: string, ne: number, apdu: Uint8Array, resp: Uint8Array): void {
    const truncated = ne > 0 && gotHex.length === ne * 2 && gotHex.length < wantHex.length && wantHex.startsWith(gotHex);
    if (gotHex !== wantHex && !truncated) this.find('commit-response', apdu, resp, `response ${gotHex}, issuer computes ${wantHex}`);
  }

  // -------------------------------------------------------------------------------------------
  // Commits

  /** Checks the NVM after an accepted valid commit, exactly; updates the model. */
  private applyCommit(e: ExpectedCommit, apdu: Uint8Array, resp: Uint8Array, now: Map<string, Uint8Array>): void {
    const problems = this.commitProblems(e, this.prev, now);
    if (problems.length) {
      this.find('commit-state', apdu, resp, problems.join('; '));
      this.resync(now);
    } else this.modelCommit(e);
    // Every 16th commit: an image check costs ~30 APDUs, and the NVM is compared after every APDU.
    if (++this.commitsSeen % 16 === 0) this.checkImage('after a commit');
  }

  private modelCommit(e: ExpectedCommit): void {
    const s = e.session;
    if (s.kind === 'load') {
      this.balanceFen += s.amountFen;
      this.online++;
      this.report.commits.load++;
      this.proofs.online = { type: pc.TX_TYPE.EP_LOAD, counter: s.counter, proofHex: e.proofHex };
    } else {
      this.balanceFen -= s.amountFen;
      this.offline++;
      if (s.type === pc.TX_TYPE.CAPP_PURCHASE) this.report.commits.capp++;
      else this.report.commits.purchase++;
      this.proofs.offline = { type: s.type, counter: s.counter, proofHex: e.proofHex };
    }
    this.expected = undefined;
    this.session = undefined;
  }

  /** What is wrong with `now` as the state after commit `e` over `before` (empty = exactly right). */
  private commitProblems(e: ExpectedCommit, before: Map<string, Uint8Array>, now: Map<string, Uint8Array>): string[] {
    const out: string[] = [];
    const s = e.session;
    const df = this.df;
    const load = s.kind === 'load';
    const wantBalance = load ? this.balanceFen + s.amountFen : this.balanceFen - s.amountFen;
    const gotBalance = num(now.get(cells.balance(df)));
    if (gotBalance !== wantBalance) out.push(`balance ${gotBalance}, model ${wantBalance}`);
    if (gotBalance > MAX_BALANCE_FEN) out.push(`balance ${gotBalance} above the maximum ${MAX_BALANCE_FEN}`);
    const wantOnline = this.online + (load ? 1 : 0);
    const wantOffline = this.offline + (load ? 0 : 1);
    if (num(now.get(cells.onlineCounter(df))) !== wantOnline) out.push(`online counter ${num(now.get(cells.onlineCounter(df)))}, model ${wantOnline}`);
    if (num(now.get(cells.offlineCounter(df))) !== wantOffline) out.push(`offline counter ${num(now.get(cells.offlineCounter(df)))}, model ${wantOffline}`);
    const type = load ? pc.TX_TYPE.EP_LOAD : s.type;
    const lastTx = `${hx(Uint8Array.of(type))}${hx(be(s.counter, 2))}${e.proofHex}`;
    const proofCell = cells.lastTransaction(df, load ? 'online' : 'offline');
    const gotProof = hx(now.get(proofCell) ?? new Uint8Array(0));
    if (gotProof !== lastTx) out.push(`last-transaction proof ${gotProof}, expected ${lastTx}`);

    // Records: 0018 gains the purse's own record; 1A / 1E change as the accepted 80DC said.
    const own = hx(concatBytes(be(s.counter, 2), be(0, 3), be(s.amountFen, 4), Uint8Array.of(type), s.terminalId, e.date, e.time));
    const want18 = [own, ...records(before, this.ef18)];
    const want1a = records(before, this.ef1a);
    const want1e = records(before, this.ef1e);
    if (s.kind === 'purchase') {
      for (const c of s.cache) {
        const target = c.sfi === SFI.COMPOUND ? want1a : c.sfi === SFI.TRAVEL_LOG ? want1e : c.sfi === SFI.TX_LOG ? want18 : undefined;
        if (!target) continue;
        const cyclic = c.sfi !== SFI.COMPOUND;
        // The engine's addressing: mode 0 with P1 = 0 appends; mode 0 with P1 ≠ 0 names the
        // record by its first byte; mode 4 gives the record number (P1 = 0 also appends).
        if (c.p1 === 0) {
          if (cyclic) target.unshift(hx(c.data));
          else out.push('append to 1A accepted');
        } else if (c.mode === 0) {
          const i = target.findIndex((r) => r.startsWith(hx(Uint8Array.of(c.p1))));
          if (i < 0) out.push(`no record with id ${c.p1} but the commit succeeded`);
          else target[i] = hx(c.data);
        } else if (c.p1 <= target.length) target[c.p1 - 1] = hx(c.data);
        else out.push(`record ${c.p1} absent but the commit succeeded`);
      }
    }
    const cmp = (name: string, ef: EfNode, want: string[], max: number) => {
      const got = records(now, ef);
      const w = want.slice(0, max);
      if (got.join(',') !== w.join(',')) out.push(`${name}: ${got.length} records [${got.map((r) => r.slice(0, 20)).join(' ')}…], expected ${w.length} [${w.map((r) => r.slice(0, 20)).join(' ')}…]`);
    };
    cmp('0018', this.ef18, want18, this.ef18.spec.maxRecords!);
    cmp('001A', this.ef1a, want1a, this.ef1a.spec.maxRecords!);
    cmp('001E', this.ef1e, want1e, this.ef1e.spec.maxRecords!);

    // Nothing else.
    // The proof of the other counter is not in this set: it must not change.
    const purse = new Set([cells.balance(df), cells.onlineCounter(df), cells.offlineCounter(df), proofCell]);
    const recordFile = (k: string) => [this.ef18, this.ef1a, this.ef1e].some((ef) => k === `m:${ef.path}` || k.startsWith(`r:${ef.path}:`));
    const others = diffCells(before, now).filter((k) => !purse.has(k) && !recordFile(k));
    if (others.length) out.push(`other cells changed: ${others.join(', ')}`);
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Tears, power, restarts

  private afterTear(apdu: Uint8Array, candidate: ExpectedCommit | undefined): void {
    this.context.push(`${hx(apdu)} → (torn)`);
    if (this.context.length > CONTEXT_LEN + 1) this.context.shift();
    const atr = this.card.powerOn();
    this.resetVolatile();
    const now = this.snapshot();
    const changed = diffCells(this.prev, now);
    const rec = this.card.lastRecovery;
    if (changed.length === 0) {
      if (rec === 'rolled-forward') this.find('tear-recovery', apdu, atr, 'recovery says rolled-forward but NVM is unchanged');
    } else if (!candidate) {
      this.find('tear-changed-nvm', apdu, atr, `a torn non-commit APDU changed ${changed.join(', ')}`);
      this.resync(now);
    } else {
      const problems = this.commitProblems(candidate, this.prev, now);
      if (problems.length) {
        this.find('tear-not-atomic', apdu, atr, `after a torn commit the card is neither before nor after: ${problems.join('; ')}`);
        this.resync(now);
      } else {
        if (rec === 'rolled-back') this.find('tear-recovery', apdu, atr, 'recovery says rolled-back but the commit is in NVM');
        this.modelCommit(candidate);
        this.checkImage('after a torn commit');
      }
    }
    if (!candidate && rec !== 'clean') this.find('tear-recovery', apdu, atr, `a torn APDU that writes nothing left recovery ${rec}`);
    this.prev = now;
  }

  private powerCycle(): void {
    this.card.powerOff();
    this.card.powerOn();
    if (this.card.lastRecovery !== 'clean') this.find('tear-recovery', new Uint8Array(0), new Uint8Array(0), `a clean power cycle recovered ${this.card.lastRecovery}`);
    this.resetVolatile();
  }

  /** The simulator restarts: the card comes back from its JSON image. */
  private restartFromImage(): void {
    const json = JSON.stringify(this.card.toJSON());
    this.restarts++;
    this.card = cardFromImage(JSON.parse(json), { rng: seededRng(`fuzz:${this.cfg.seed}:restart:${this.restarts}`) });
    this.card.powerOn();
    this.resetVolatile();
    const changed = diffCells(this.prev, this.snapshot());
    if (changed.length) this.find('image-restart', new Uint8Array(0), new Uint8Array(0), `cells differ after a restart from the image: ${changed.join(', ')}`);
  }

  private resetVolatile(): void {
    this.session = undefined;
    this.pending = undefined;
    this.awaitedResponse = undefined;
    this.flow = [];
  }

  private recoverFromSurprise(): void {
    if (!this.card.isPowered) this.card.powerOn();
    this.resetVolatile();
    this.resync(this.snapshot());
  }

  /** After a finding about NVM: take the card's purse as the new truth so that later checks stay meaningful. */
  private resync(now: Map<string, Uint8Array>): void {
    this.balanceFen = num(now.get(cells.balance(this.df)));
    this.online = num(now.get(cells.onlineCounter(this.df)));
    this.offline = num(now.get(cells.offlineCounter(this.df)));
    this.expected = undefined;
    this.session = undefined;
    this.proofs = {};
    this.prev = now;
  }

  private checkImage(when: string): void {
    let json = '';
    try {
      json = JSON.stringify(this.card.toJSON());
      const back = cardFromImage(JSON.parse(json));
      const a = diffCells(this.snapshot(), snapshotOf(back));
      if (a.length) this.find('image', new Uint8Array(0), new Uint8Array(0), `${when}: the restored image differs in ${a.join(', ')}`);
    } catch (e) {
      this.find('image', new Uint8Array(0), new Uint8Array(0), `${when}: the card image is not accepted back: ${String(e)} (image ${json.length} chars)`);
    }
  }

  // -------------------------------------------------------------------------------------------
  // NVM snapshots

  private snapshot(): Map<string, Uint8Array> {
    return snapshotOf(this.card);
  }

  // -------------------------------------------------------------------------------------------
  // Generators

  private nextApdu(): Uint8Array {
    const rng = this.rng;
    if (this.flow.length && (this.flowClean || rng.chance(0.75))) {
      const s = this.flow.shift()!();
      if (s) return s;
    }
    const r = rng.int(100);
    if (r < 30) {
      if (!this.flow.length) {
        this.flow = this.newFlow();
        this.flowClean = rng.chance(0.3);
      }
      const s = this.flow.shift()?.();
      if (s) return s;
    }
    if (r < 65) return this.mutated();
    return this.randomApdu();
  }

  private newFlow(): Step[] {
    const rng = this.rng;
    const steps: Step[] = [];
    if (rng.chance(0.5)) steps.push(() => selectTransit(rng));
    const k = rng.int(100);
    const kind = this.balanceFen < 3_000 || (k < 35 && this.balanceFen < 90_000) ? 'load' : k < 65 ? 'purchase' : 'capp';
    if (kind === 'load') {
      const amount = rng.chance(0.1) ? rng.int(MAX_BALANCE_FEN + 1) : 100 * (1 + rng.int(50));
      steps.push(() => this.initApdu(0x00, amount));
      if (this.t0) steps.push(() => this.getResponse());
      steps.push(() => this.creditApdu());
    } else {
      const amount = rng.chance(0.1) ? rng.int(this.balanceFen + 500) : rng.int(Math.min(this.balanceFen, 800) + 1);
      steps.push(() => this.initApdu(kind === 'capp' ? 0x03 : 0x01, amount));
      if (this.t0) steps.push(() => this.getResponse());
      // Mostly a few records; sometimes more than the card's cache holds (8).
      if (kind === 'capp') {
        const many = rng.chance(0.08);
        for (let i = many ? 7 + rng.int(4) : rng.int(4); i > 0; i--) steps.push(() => this.cappRecord(many));
      }
      steps.push(() => this.debitApdu());
    }
    if (this.t0) steps.push(() => this.getResponse());
    if (rng.chance(0.3)) steps.push(() => this.proveApdu());
    if (rng.chance(0.2)) steps.push(() => h('805C000204'));
    return steps;
  }

  private getResponse(): Uint8Array {
    return Uint8Array.of(0x00, 0xc0, 0x00, 0x00, this.pending ? this.lastLe & 0xff : this.rng.pick([0x04, 0x08, 0x0f, 0x10]));
  }

  private initApdu(p1: number, amountFen: number): Uint8Array {
    const rng = this.rng;
    const keyIndex = rng.chance(0.03) ? rng.int(256) : 1;
    const tid = rng.chance(0.5) ? h('200041599997') : rng.bytes(6);
    return concatBytes(Uint8Array.of(0x80, 0x50, p1, 0x02, 0x0b, keyIndex), be(amountFen >>> 0, 4), tid, rng.chance(0.7) ? Uint8Array.of(p1 === 0 ? 0x10 : 0x0f) : new Uint8Array(0));
  }

  /** 8052 with a valid MAC2 for the modelled load session (sometimes a wrong one). */
  private creditApdu(): Uint8Array | undefined {
    const s = this.session;
    if (!s || s.kind !== 'load') return undefined;
    const { date, time } = dateTime(this.rng);
    let mac2: Uint8Array;
    try {
      mac2 = pc.computeLoadMac2(this.cfg.alg, this.keys.load, { random: s.random, onlineCounter: s.counter }, { amountFen: s.amountFen, type: pc.TX_TYPE.EP_LOAD, terminalId: s.terminalId, date, time });
    } catch {
      mac2 = this.rng.bytes(4); // a malformed date: no MAC to compute, send garbage
    }
    if (this.rng.chance(0.05)) mac2[this.rng.int(4)] ^= 1 << this.rng.int(8);
    const body = concatBytes(date, time, mac2);
    this.expectCommit(0x52, body, s, date, time, new Uint8Array(4), mac2);
    return concatBytes(h('805200000B'), body, this.rng.chance(0.7) ? h('04') : new Uint8Array(0));
  }

  /** 8054 with a valid MAC1 for the modelled purchase session (sometimes a wrong one). */
  private debitApdu(): Uint8Array | undefined {
    const s = this.session;
    if (!s || s.kind !== 'purchase') return undefined;
    const { date, time } = dateTime(this.rng);
    const seq = this.rng.bytes(4);
    let mac1: Uint8Array;
    try {
      mac1 = pc.computePurchaseMac1(this.cfg.alg, this.keys.purchase, { random: s.random, offlineCounter: s.counter, terminalSeq: seq }, { amountFen: s.amountFen, type: s.type, terminalId: s.terminalId, date, time });
    } catch {
      mac1 = this.rng.bytes(4);
    }
    if (this.rng.chance(0.05)) mac1[this.rng.int(4)] ^= 1 << this.rng.int(8);
    const body = concatBytes(seq, date, time, mac1);
    this.expectCommit(0x54, body, s, date, time, seq, mac1);
    return concatBytes(h('805401000F'), body, this.rng.chance(0.7) ? h('08') : new Uint8Array(0));
  }

  /** Records what the card must answer if it accepts this commit (when its MAC is valid). */
  private expectCommit(ins: number, body: Uint8Array, s: Session, date: Uint8Array, time: Uint8Array, seq: Uint8Array, mac: Uint8Array): void {
    const alg = this.cfg.alg;
    let responseHex: string;
    let proofHex: string;
    try {
      if (s.kind === 'load') {
        const want = pc.computeLoadMac2(alg, this.keys.load, { random: s.random, onlineCounter: s.counter }, { amountFen: s.amountFen, type: pc.TX_TYPE.EP_LOAD, terminalId: s.terminalId, date, time });
        if (hx(want) !== hx(mac)) throw new Error('bad MAC on purpose');
        const tac = pc.computeLoadTac(alg, this.keys.tac, { amountFen: s.amountFen, type: pc.TX_TYPE.EP_LOAD, terminalId: s.terminalId, date, time });
        responseHex = hx(tac);
        proofHex = hx(tac) + hx(mac);
      } else {
        const session = { random: s.random, offlineCounter: s.counter, terminalSeq: seq };
        const want = pc.computePurchaseMac1(alg, this.keys.purchase, session, { amountFen: s.amountFen, type: s.type, terminalId: s.terminalId, date, time });
        if (hx(want) !== hx(mac)) throw new Error('bad MAC on purpose');
        const tac = pc.computePurchaseTac(alg, this.keys.tac, { amountFen: s.amountFen, type: s.type, terminalId: s.terminalId, terminalSeq: seq, date, time });
        const mac2 = pc.computePurchaseMac2(alg, this.keys.purchase, session, { amountFen: s.amountFen });
        responseHex = proofHex = hx(tac) + hx(mac2);
      }
    } catch {
      // A MAC this fuzzer spoiled (or could not compute): the card must refuse it.
      this.expected = undefined;
      return;
    }
    this.expected = { ins, dataHex: hx(body), session: s, date, time, terminalSeq: seq, responseHex, proofHex };
  }

  /** An 80DC: mostly good records for 1A / 1E, some the card must refuse or cannot commit. */
  private cappRecord(goodOnly = false): Uint8Array {
    const rng = this.rng;
    const r = goodOnly ? rng.int(90) : rng.int(100);
    if (goodOnly && r < 45) {
      const rec = rng.bytes(128);
      rec[0] = 1 + rng.int(2);
      return concatBytes(Uint8Array.of(0x80, 0xdc, rec[0], 0xd0, 0x80), rec);
    }
    if (goodOnly) return concatBytes(Uint8Array.of(0x80, 0xdc, 0x00, 0xf0, 0x30), rng.bytes(48));
    if (r < 45) {
      const id = rng.chance(0.9) ? 1 + rng.int(2) : rng.int(256);
      const rec = rng.bytes(128);
      rec[0] = id;
      return concatBytes(Uint8Array.of(0x80, 0xdc, id, 0xd0, 0x80), rec);
    }
    if (r < 55) return concatBytes(Uint8Array.of(0x80, 0xdc, rng.int(4), 0xd4, 0x80), rng.bytes(128));
    if (r < 90) return concatBytes(Uint8Array.of(0x80, 0xdc, 0x00, 0xf0, 0x30), rng.bytes(48));
    // A record for some other file (0018 among them), or any SFI.
    const sfi = rng.chance(0.5) ? SFI.TX_LOG : rng.int(32);
    const len = rng.pick([23, 48, 128, 30, rng.int(256)]);
    return concatBytes(Uint8Array.of(0x80, 0xdc, rng.int(3), (sfi << 3) | rng.pick([0, 4]), len), rng.bytes(len));
  }

  private proveApdu(): Uint8Array {
    const p = this.rng.chance(0.5) ? this.proofs.online : this.proofs.offline;
    if (p && this.rng.chance(0.8)) return concatBytes(Uint8Array.of(0x80, 0x5a, 0x00, p.type, 0x02), be(p.counter, 2), h('08'));
    return concatBytes(Uint8Array.of(0x80, 0x5a, 0x00, this.rng.pick([1, 2, 6, 9, 0]), 0x02), this.rng.bytes(2));
  }

  /** A valid APDU of the corpus, mutated. */
  private mutated(): Uint8Array {
    const rng = this.rng;
    let a = this.validApdu();
    const n = 1 + rng.int(3);
    for (let i = 0; i < n; i++) a = mutate(rng, a);
    return a;
  }

  private validApdu(): Uint8Array {
    const rng = this.rng;
    const r = rng.int(22);
    switch (r) {
      case 0:
        return selectTransit(rng);
      case 1:
        return h(rng.pick(['00A40000023F00', '00A40000021001', '00A40000020015', '00A40000020018', '00A40800063F0010010015', '00A40900020017', '00A4000C023F00']));
      case 2:
        return h(rng.pick(['00B095001E', '00B0960037', '00B097003C', '00B0950A0A', '00B0950000']));
      case 3:
        return concatBytes(Uint8Array.of(0x00, 0xb2, 1 + rng.int(11), rng.pick([0xc4, 0xd4, 0xf4])), Uint8Array.of(rng.pick([0x17, 0x80, 0x30, 0x00])));
      case 4:
        return h('805C000204');
      case 5:
        return h(rng.pick(['0084000004', '0084000008']));
      case 6:
        return this.initApdu(rng.pick([0x00, 0x01, 0x03]), rng.int(3_000));
      case 7:
        return this.cappRecord();
      case 8:
        return this.creditApdu() ?? concatBytes(h('805200000B'), rng.bytes(11));
      case 9:
        return this.debitApdu() ?? concatBytes(h('805401000F'), rng.bytes(15));
      case 10:
        return this.proveApdu();
      case 11:
        return this.getResponse();
      case 12:
        return concatBytes(h('00D6950001'), rng.bytes(1));
      case 13:
        return concatBytes(Uint8Array.of(0x00, 0xdc, 1, rng.pick([0xc4, 0xd4, 0xf4]), 0x17), rng.bytes(23));
      case 14:
        return concatBytes(Uint8Array.of(0x00, 0xe2, 0, rng.pick([0xc0, 0xd0, 0xf0]), 0x30), rng.bytes(48));
      case 15:
        return h(rng.pick(['00A4040007A000000632010100', '00A404000CA000000063504B43532D3135', '00A4040005A000000308']));
      default:
        // A flow step out of turn.
        return this.newFlow()[0]() ?? h('805C000204');
    }
  }

  private randomApdu(): Uint8Array {
    const rng = this.rng;
    const head = () =>
      Uint8Array.of(
        rng.chance(0.7) ? rng.pick(CLAS) : rng.int(256),
        rng.chance(0.7) ? rng.pick(INSS) : rng.int(256),
        rng.chance(0.5) ? rng.pick(PS) : rng.int(256),
        rng.chance(0.5) ? rng.pick(PS) : rng.int(256),
      );
    const smallLen = () => (rng.chance(0.7) ? rng.int(40) : rng.int(256));
    const r = rng.int(100);
    if (r < 4) return rng.bytes(rng.int(4));
    if (r < 12) return head();
    if (r < 25) return concatBytes(head(), Uint8Array.of(rng.int(256)));
    if (r < 50) {
      const lc = 1 + (smallLen() % 255);
      return concatBytes(head(), Uint8Array.of(lc), rng.bytes(lc), rng.chance(0.5) ? Uint8Array.of(rng.int(256)) : new Uint8Array(0));
    }
    if (r < 60) {
      const lc = 1 + (smallLen() % 255);
      const len = Math.max(0, lc + rng.pick([-3, -2, -1, 2, 3, 7]));
      return concatBytes(head(), Uint8Array.of(lc), rng.bytes(len));
    }
    if (r < 75) {
      // Extended forms: case 2E, 3E, 4E, sometimes with inconsistent lengths or Lc 0.
      const k = rng.int(4);
      if (k === 0) return concatBytes(head(), Uint8Array.of(0, rng.int(256), rng.int(256)));
      const lc = rng.chance(0.05) ? 0 : rng.chance(0.9) ? 1 + rng.int(300) : 1 + rng.int(65535);
      const dataLen = rng.chance(0.8) ? Math.min(lc, 70_000) : rng.int(400);
      const le = k === 2 ? Uint8Array.of(rng.int(256), rng.int(256)) : new Uint8Array(0);
      return concatBytes(head(), Uint8Array.of(0, lc >> 8, lc & 0xff), rng.bytes(dataLen), le);
    }
    return rng.bytes(4 + rng.int(64));
  }

  private find(kind: string, apdu: Uint8Array, resp: Uint8Array | undefined, detail: string): void {
    const n = (this.report.findingCounts[kind] ?? 0) + 1;
    this.report.findingCounts[kind] = n;
    if (n <= FINDINGS_KEPT) {
      this.report.findings.push({
        kind,
        index: this.index,
        apdu: hx(apdu),
        response: resp ? hx(resp) : '(none)',
        detail,
        context: this.context.slice(0, -1).slice(-CONTEXT_LEN),
      });
    }
  }
}

const CLAS = [0x00, 0x00, 0x80, 0x80, 0x84, 0x0c, 0x04, 0x01, 0x02, 0x03, 0x10, 0x20, 0x40, 0x60, 0xe0, 0xff, 0x90];
const INSS = [0xa4, 0xb0, 0xb2, 0xd6, 0xdc, 0xe2, 0x84, 0xc0, 0x5c, 0x50, 0x52, 0x54, 0x5a, 0x20, 0x88, 0xca, 0x00, 0x60, 0x90, 0x70, 0x72];
const PS = [0x00, 0x01, 0x02, 0x03, 0x04, 0x08, 0x09, 0x0c, 0x95, 0x96, 0x97, 0x98, 0x9a, 0x9e, 0xc4, 0xd4, 0xf4, 0xc0, 0xd0, 0xf0, 0xff];

function selectTransit(rng: Prng): Uint8Array {
  const aid = h(TRANSIT_AID);
  return concatBytes(Uint8Array.of(0x00, 0xa4, 0x04, rng.chance(0.2) ? 0x0c : 0x00, aid.length), aid, rng.chance(0.3) ? h('00') : new Uint8Array(0));
}

/** One mutation: bit flips, truncation, extension, Lc / Le tampering, extended re-encoding, header swaps. */
function mutate(rng: Prng, a: Uint8Array): Uint8Array {
  const out = a.slice();
  switch (rng.int(9)) {
    case 0:
    case 1: {
      if (!out.length) return rng.bytes(1);
      for (let i = 1 + rng.int(3); i > 0; i--) out[rng.int(out.length)] ^= 1 << rng.int(8);
      return out;
    }
    case 2:
      return out.slice(0, Math.max(0, out.length - 1 - rng.int(Math.min(out.length, 8))));
    case 3:
      return concatBytes(out, rng.bytes(1 + rng.int(8)));
    case 4:
      if (out.length > 4) out[4] = rng.chance(0.5) ? (out[4] + rng.pick([1, -1, 2, -2])) & 0xff : rng.int(256);
      return out;
    case 5: {
      // Le: change it, drop it or add one.
      const cmd = tryParse(out);
      if (!cmd) return concatBytes(out, Uint8Array.of(rng.int(256)));
      if (cmd.ne > 0 && !cmd.extended && rng.chance(0.5)) return out.slice(0, out.length - 1);
      if (cmd.ne > 0 && !cmd.extended) {
        out[out.length - 1] = rng.int(256);
        return out;
      }
      return concatBytes(out, Uint8Array.of(rng.int(256)));
    }
    case 6: {
      const cmd = tryParse(out);
      if (!cmd) return out;
      return encodeCommand({ cla: cmd.cla, ins: cmd.ins, p1: cmd.p1, p2: cmd.p2, data: cmd.data, ne: cmd.ne, extended: true });
    }
    case 7:
      if (out.length >= 4) out[rng.int(4)] = rng.int(256);
      return out;
    default: {
      // Same length, new data (Lc kept).
      if (out.length > 5) out.set(rng.bytes(out.length - 5), 5);
      return out;
    }
  }
}

function snapshotOf(card: Card): Map<string, Uint8Array> {
  const m = new Map<string, Uint8Array>();
  for (const k of card.cellKeys()) m.set(k, card.peekCell(k)!);
  return m;
}

function diffCells(a: Map<string, Uint8Array>, b: Map<string, Uint8Array>): string[] {
  const out: string[] = [];
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w || !sameBytes(v, w)) out.push(k);
  }
  for (const k of b.keys()) if (!a.has(k)) out.push(k);
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The records of a record EF in a snapshot, record 1 first, as hex. */
function records(snap: Map<string, Uint8Array>, ef: EfNode): string[] {
  const store: CellStore = {
    get: (k) => snap.get(k),
    set: () => {
      throw new Error('read-only');
    },
  };
  const out: string[] = [];
  const n = recordCount(store, ef);
  for (let i = 1; i <= n; i++) out.push(hx(readRecord(store, ef, i)));
  return out;
}

/** The report's findings as a message: seed, how to replay, each finding with its hex. */
export function formatFindings(r: FuzzReport): string {
  const c = r.config;
  const lines = [
    `APDU fuzz found problems (alg ${c.alg}, ${c.protocol}, seed ${c.seed}, ${c.apdus} APDUs).`,
    `Replay: FUZZ_SEED=${c.seed} npx vitest run test/fuzz   (runFuzz(${JSON.stringify(c)}) replays this card exactly)`,
    `Counts: ${JSON.stringify(r.findingCounts)}`,
  ];
  for (const f of r.findings) {
    lines.push('', `[${f.kind}] APDU #${f.index}: ${f.apdu} → ${f.response}`, `  ${f.detail}`);
    if (f.context.length) lines.push('  before it:', ...f.context.map((x) => `    ${x.length > 220 ? `${x.slice(0, 220)}…` : x}`));
  }
  return lines.join('\n');
}
