/**
 * Personalises a PSAM: terminal id in EF 0016, the purchase master key for each algorithm
 * profile (3DES alg id 00, SM4 alg id 04) under the issuer's key version, and the terminal
 * sequence number starting at 1. The PSAM holds the purchase master key only — not the load or
 * TAC keys (DOMAIN.md §3: TACs are checked at clearing).
 */
import { Card, fixedClock, purseCrypto, seededRng } from '../../engine/index.js';
import type { CardImage, Clock, Rng } from '../../engine/index.js';
import { FileSystem, binaryKey } from '../../engine/card/fs.js';
import { bytesToHex, abytes, aint, hexToBytes } from '../../crypto/utils.js';
import { PSAM_APPS } from './psam-app.js';
import { psamCells, psamFsSpec, PSAM_DF_FID, PSAM_TERMINAL_ID_LEN } from './layout.js';

export interface IssuePsamOptions {
  /** The terminal id (6 bytes, 12 hex digits) the PSAM reports and MACs. */
  terminalId: string;
  /** Seed of the PSAM's Rng; default 1. */
  seed?: number;
  /** Purchase master key and key version; default the demo issuer's (test only). */
  issuerKeys?: { purchase: Uint8Array; keyVersion: number };
  /** First terminal sequence number; default 1. */
  firstTerminalSeq?: number;
  clock?: Clock;
  rng?: Rng;
}

/**
 * ATR of a PSAM [P]: T=0, the protocol of contact SAM slots (ISO/IEC 7816-3), historical bytes
 * 80 "PSAM".
 */
const PSAM_ATR = '3b0580' + '5053414d';

/**
 * The PSAM's card image (holds keys: storage only).
 * @throws TypeError / RangeError for a terminal id not 12 hex digits, a bad key or sequence.
 */
export function issuePsamImage(opts: IssuePsamOptions): CardImage {
  if (typeof opts?.terminalId !== 'string' || !/^[0-9a-fA-F]{12}$/.test(opts.terminalId)) {
    throw new RangeError(`"terminalId" expected 12 hex digits, got ${JSON.stringify(opts?.terminalId)}`);
  }
  const keys = opts.issuerKeys ?? purseCrypto.DEMO_ISSUER_KEYS;
  const master = abytes('issuerKeys.purchase', keys.purchase, 16);
  const keyVersion = aint('issuerKeys.keyVersion', keys.keyVersion, 0, 0xff);
  const firstSeq = aint('firstTerminalSeq', opts.firstTerminalSeq ?? 1, 0, 0xfffffffe);
  const spec = psamFsSpec();
  const fs = new FileSystem(spec);
  const df = fs.mf.dfs.get(PSAM_DF_FID)!;
  const cells: Record<string, string> = {};
  const terminalId = hexToBytes(opts.terminalId.toLowerCase(), 'terminalId');
  if (terminalId.length !== PSAM_TERMINAL_ID_LEN) throw new RangeError('"terminalId" expected 6 bytes');
  cells[binaryKey(fs.mf.efs.get(0x0016)!)] = bytesToHex(terminalId);
  for (const alg of purseCrypto.PURSE_ALGS) cells[psamCells.purchaseKey(df, keyVersion, purseCrypto.algId(alg))] = bytesToHex(master);
  cells[psamCells.terminalSeq(df)] = firstSeq.toString(16).padStart(8, '0');
  return {
    format: 'ssc3-card/1',
    atr: PSAM_ATR,
    protocol: 'T=0',
    info: { kind: 'psam', terminalId: opts.terminalId.toLowerCase(), seed: opts.seed ?? 1 },
    fs: spec,
    nvm: { cells },
  };
}

/**
 * Issues a PSAM card (powered off; put it in a reader and connect).
 * @throws as {@link issuePsamImage}.
 */
export function issuePsam(opts: IssuePsamOptions): Card {
  const image = issuePsamImage(opts);
  return psamFromImage(image, { clock: opts.clock, rng: opts.rng });
}

/** Rebuilds a PSAM from its image (the terminal sequence number carries on). */
export function psamFromImage(image: CardImage, opts: { clock?: Clock; rng?: Rng } = {}): Card {
  return new Card(image, {
    clock: opts.clock ?? fixedClock(0),
    rng: opts.rng ?? seededRng(`psam:${image.info?.seed ?? 1}:${image.info?.terminalId ?? ''}`),
    apps: PSAM_APPS,
  });
}
