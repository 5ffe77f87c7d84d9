/**
 * Personalisation: builds a card image from a profile — the MF, the transit ADF with EF 0015–001E
 * filled per DOMAIN.md §3, the purse cells and keys diversified from the issuer master keys — and
 * returns the powered-off card. Later applications (social security, park pass, finance) add
 * their DFs to the same MF.
 */
import { Card } from '../card/card.js';
import type { CardImage, Protocol } from '../card/card.js';
import { fixedClock, seededRng } from '../card/env.js';
import type { Clock, Rng } from '../card/env.js';
import { Nvm } from '../card/nvm.js';
import type { CellWrite } from '../card/nvm.js';
import { FileSystem, mapStore, appendRecord, updateBinary } from '../card/fs.js';
import type { DfSpec } from '../card/fs.js';
import { defaultApps } from '../apps/registry.js';
import { cells, COMPOUND_RECORD_LEN, EF16_LEN, EF17_LEN, SFI, transitDfSpec } from '../apps/transit/layout.js';
import * as pc from '../apps/transit/purse-crypto.js';
import { getProfile } from './profiles.js';
import type { PurseAlgorithm } from './profiles.js';
import { bytesToHex, concatBytes, hexToBytes } from '../../crypto/utils.js';

export interface Holder {
  /** Name as printed; stored UTF-8 in EF 0016, truncated at a character boundary [P]. */
  name?: string;
  /** ID document number (ASCII). */
  idNumber?: string;
  /** ID type byte: 00 resident identity card [P]. */
  idType?: number;
}

export interface IssuerKeys {
  purchase: Uint8Array;
  load: Uint8Array;
  tac: Uint8Array;
  keyIndex: number;
  keyVersion: number;
}

export interface IssueOptions {
  /** Profile id; default 'beijing-standard'. */
  profile?: string;
  /** Purse algorithm profile: '3des' (alg id 00) or 'sm4' (alg id 04); default '3des'. */
  algorithm?: PurseAlgorithm;
  /** Seed of the card's deterministic Rng and of defaults (serial); default 1. */
  seed?: number;
  /** Application serial: 20 decimal digits (10 BCD bytes); default derived from the seed. */
  serial?: string;
  holder?: Holder;
  /** Balance at issue, in fen (an issuer pre-load; no log record). Default 0. */
  balanceFen?: number;
  /** Issuer master keys; default the demo keys of DOMAIN.md (test only). */
  issuerKeys?: IssuerKeys;
  /** Issue date (epoch ms); default the clock's reading. */
  issuedAt?: number;
  clock?: Clock;
  rng?: Rng;
  protocol?: Protocol;
}

/** BCD of a digit string. @throws RangeError for non-digits or odd length. */
export function bcd(digits: string, name = 'digits'): Uint8Array {
  if (!/^(\d\d)*$/.test(digits)) throw new RangeError(`"${name}" expected an even number of decimal digits, got ${JSON.stringify(digits)}`);
  return hexToBytes(digits);
}

function ymd(ms: number): string {
  const d = new Date(ms + 8 * 3600_000); // Beijing time (UTC+8) for card dates
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

function fixedText(s: string, len: number): Uint8Array {
  const out = new Uint8Array(len);
  const enc = new TextEncoder();
  let used = 0;
  for (const ch of s) {
    const b = enc.encode(ch);
    if (used + b.length > len) break;
    out.set(b, used);
    used += b.length;
  }
  return out;
}

/** The ATR [P]: T=1 (or T=0) with historical bytes 80 54 "SSC3" (category 80, issuer data). */
export function buildAtr(protocol: Protocol): Uint8Array {
  const hist = Uint8Array.of(0x80, 0x54, 0x53, 0x53, 0x43, 0x33);
  if (protocol === 'T=0') return concatBytes(Uint8Array.of(0x3b, hist.length), hist);
  // TS 3B · T0 8K (TD1 present) · TD1 80 (T=0, TD2 present) · TD2 01 (T=1) · hist · TCK
  const body = concatBytes(Uint8Array.of(0x80 | hist.length, 0x80, 0x01), hist);
  let tck = 0;
  for (const b of body) tck ^= b;
  return concatBytes(Uint8Array.of(0x3b), body, Uint8Array.of(tck));
}

/** Builds the MF spec of a card: the transit ADF now; other applications join here. */
function mfSpec(): DfSpec {
  return { kind: 'df', fid: 0x3f00, label: 'MF', children: [transitDfSpec()] };
}

/**
 * Issues a personalised card (powered off; call powerOn()).
 * @throws RangeError for an unknown profile, a bad serial or balance.
 */
export function issueCard(opts: IssueOptions = {}): Card {
  const image = issueCardImage(opts);
  const seed = opts.seed ?? 1;
  return new Card(image, {
    clock: opts.clock ?? fixedClock(image.info.issuedAt as number),
    rng: opts.rng ?? seededRng(`card:${seed}:${image.info.serial}`),
    apps: defaultApps,
  });
}

/** Builds the card image of `issueCard` (holds keys: storage only). */
export function issueCardImage(opts: IssueOptions = {}): CardImage {
  const profile = getProfile(opts.profile ?? 'beijing-standard');
  const algorithm = opts.algorithm ?? '3des';
  if (algorithm !== '3des' && algorithm !== 'sm4') throw new RangeError(`"algorithm" expected '3des' or 'sm4', got ${String(algorithm)}`);
  const seed = opts.seed ?? 1;
  const seedRng = seededRng(`issue:${seed}`);
  const serial = opts.serial ?? `1000${[...seedRng.bytes(8)].map((b) => String(b % 100).padStart(2, '0')).join('')}`;
  if (!/^\d{20}$/.test(serial)) throw new RangeError(`"serial" expected 20 decimal digits, got ${JSON.stringify(serial)}`);
  const balanceFen = opts.balanceFen ?? 0;
  if (!Number.isSafeInteger(balanceFen) || balanceFen < 0 || balanceFen > profile.maxBalanceFen) {
    throw new RangeError(`"balanceFen" expected an integer in [0, ${profile.maxBalanceFen}], got ${balanceFen}`);
  }
  const keys = opts.issuerKeys ?? pc.DEMO_ISSUER_KEYS;
  const issuedAt = opts.issuedAt ?? (opts.clock ?? fixedClock(Date.UTC(2026, 0, 1))).now();
  const protocol: Protocol = opts.protocol ?? 'T=1';

  const fsSpec = mfSpec();
  const fs = new FileSystem(fsSpec);
  const transit = fs.findByAid(hexToBytes(transitDfSpec().aid!))!;
  const staged = new Map<string, CellWrite>();
  const store = mapStore(staged);
  const ef = (sfi: number) => transit.efsBySfi.get(sfi)!;

  const appSerial = bcd(serial, 'serial');
  const start = ymd(issuedAt);
  const expiry = `${Number(start.slice(0, 4)) + profile.validityYears}${start.slice(4)}`;
  // EF 0015: issuer id 8 · app type 1 · app version 1 · app serial 10 · start 4 · expiry 4 · card type 1 · deposit 1
  updateBinary(store, ef(SFI.ISSUER), 0, concatBytes(hexToBytes(profile.issuerId), Uint8Array.of(0x01, 0x01), appSerial, bcd(start), bcd(expiry), Uint8Array.of(profile.cardType, profile.depositYuan)));
  // EF 0016: id flag 1 · name 20 · id number 32 · id type 1 · reserved 1 [S layout]
  const h = opts.holder ?? {};
  updateBinary(store, ef(SFI.HOLDER), 0, concatBytes(Uint8Array.of(h.name ? 1 : 0), fixedText(h.name ?? '', 20), fixedText(h.idNumber ?? '', 32), Uint8Array.of(h.idType ?? 0, 0)).subarray(0, EF16_LEN));
  // EF 0017: intl code 4 · province 2 · city 2 · interop type 2 (0001 interoperable) · card type 1 · reserved
  const ef17 = new Uint8Array(EF17_LEN);
  ef17.set(hexToBytes('01560000'), 0); // 0156 = China, ISO 3166 numeric in BCD [P]
  ef17.set(bcd('1100'), 4); // province: Beijing administrative code 11 [P]
  ef17.set(bcd(profile.cityCode), 6);
  ef17.set(Uint8Array.of(0x00, 0x01), 8);
  ef17[10] = profile.cardType;
  updateBinary(store, ef(SFI.INTEROP), 0, ef17);
  // EF 001A: the rail and bus records, zero apart from the record id (DOMAIN.md §3 [P])
  for (const id of [0x01, 0x02]) {
    const rec = new Uint8Array(COMPOUND_RECORD_LEN);
    rec[0] = id;
    appendRecord(store, ef(SFI.COMPOUND), rec);
  }
  // Purse cells and keys: K_card diversified from the issuer masters by the app serial.
  const be = (n: number, len: number) => hexToBytes(n.toString(16).padStart(len * 2, '0'));
  store.set(cells.balance(transit), be(balanceFen, 4));
  store.set(cells.onlineCounter(transit), be(0, 2));
  store.set(cells.offlineCounter(transit), be(0, 2));
  store.set(cells.overdraftLimit(transit), be(0, 3));
  store.set(cells.maxBalance(transit), be(profile.maxBalanceFen, 4));
  for (const usage of ['purchase', 'load', 'tac'] as const) {
    const k = pc.diversifyKey(algorithm, keys[usage], appSerial);
    store.set(cells.key(transit, usage, keys.keyIndex), concatBytes(Uint8Array.of(keys.keyVersion, pc.algId(algorithm)), k));
    k.fill(0);
  }

  const nvm = new Nvm();
  for (const [k, v] of staged) if (v) nvm.personalise(k, v);
  return {
    format: 'ssc3-card/1',
    atr: bytesToHex(buildAtr(protocol)),
    protocol,
    info: { profile: profile.id, algorithm, serial, cardType: profile.cardType, issuedAt, seed },
    fs: fsSpec,
    nvm: nvm.toJSON(),
  };
}

/** Rebuilds a card from its image (e.g. after a restart). */
export function cardFromImage(image: CardImage, opts: { clock?: Clock; rng?: Rng; seed?: number } = {}): Card {
  const seed = opts.seed ?? Number(image.info?.seed ?? 1);
  return new Card(image, {
    clock: opts.clock ?? fixedClock(Number(image.info?.issuedAt ?? 0)),
    rng: opts.rng ?? seededRng(`card:${seed}:${image.info?.serial}`, image.rng),
    apps: defaultApps,
  });
}
