/**
 * Files and cells of the transit application (JT/T 978 / China T-Union e-purse, DOMAIN.md §3):
 * the ADF with EF 0015–001E, and the NVM cells that hold the purse (balance, counters, keys).
 */
import type { DfNode, DfSpec } from '../../card/fs.js';

/** AID of the transit application (DOMAIN.md §3 [V]). */
export const TRANSIT_AID = 'a000000632010105';
/** FID of the transit ADF under the MF: not fixed by any public source; ssc3 profile [P]. */
export const TRANSIT_DF_FID = 0x1001;

export const SFI = {
  ISSUER: 0x15,
  HOLDER: 0x16,
  INTEROP: 0x17,
  TX_LOG: 0x18,
  COMPOUND: 0x1a,
  TRAVEL_LOG: 0x1e,
} as const;

export const EF15_LEN = 30;
export const EF16_LEN = 55;
export const EF17_LEN = 60;
export const TX_LOG_RECORD_LEN = 23;
export const TX_LOG_RECORDS = 10;
export const COMPOUND_RECORD_LEN = 128;
export const TRAVEL_RECORD_LEN = 48;
export const TRAVEL_RECORDS = 30;

/** The transit ADF as a file-system spec (DOMAIN.md §3 file table). */
export function transitDfSpec(): DfSpec {
  return {
    kind: 'df',
    fid: TRANSIT_DF_FID,
    aid: TRANSIT_AID,
    label: 'transit',
    app: 'transit',
    children: [
      { kind: 'ef', fid: 0x0015, sfi: SFI.ISSUER, label: 'issuer', type: 'transparent', size: EF15_LEN, read: 'always', update: 'app' },
      { kind: 'ef', fid: 0x0016, sfi: SFI.HOLDER, label: 'holder', type: 'transparent', size: EF16_LEN, read: 'always', update: 'app' },
      { kind: 'ef', fid: 0x0017, sfi: SFI.INTEROP, label: 'interop', type: 'transparent', size: EF17_LEN, read: 'always', update: 'app' },
      { kind: 'ef', fid: 0x0018, sfi: SFI.TX_LOG, label: 'transaction log', type: 'cyclic', recordLen: TX_LOG_RECORD_LEN, maxRecords: TX_LOG_RECORDS, read: 'always', update: 'app' },
      { kind: 'ef', fid: 0x001a, sfi: SFI.COMPOUND, label: 'compound (transit state)', type: 'linear-fixed', recordLen: COMPOUND_RECORD_LEN, maxRecords: 2, read: 'always', update: 'app' },
      { kind: 'ef', fid: 0x001e, sfi: SFI.TRAVEL_LOG, label: 'travel log', type: 'cyclic', recordLen: TRAVEL_RECORD_LEN, maxRecords: TRAVEL_RECORDS, read: 'always', update: 'app' },
    ],
  };
}

/** NVM cell names of the purse (all values big-endian). */
export const cells = {
  balance: (df: DfNode) => `p:${df.path}:balance`,
  onlineCounter: (df: DfNode) => `p:${df.path}:online-counter`,
  offlineCounter: (df: DfNode) => `p:${df.path}:offline-counter`,
  overdraftLimit: (df: DfNode) => `p:${df.path}:overdraft-limit`,
  maxBalance: (df: DfNode) => `p:${df.path}:max-balance`,
  /** The last transaction per counter, for GET TRANSACTION PROVE: type 1 ‖ counter 2 ‖ TAC 4 ‖ MAC2 4. */
  lastTransaction: (df: DfNode, counter: 'online' | 'offline') => `p:${df.path}:last-tx-${counter}`,
  /** key version 1 ‖ alg id 1 ‖ key 16, per usage and key index. */
  key: (df: DfNode, usage: 'purchase' | 'load' | 'tac', index: number) => `k:${df.path}:${usage}:${index.toString(16).padStart(2, '0')}`,
};

/** Transaction types (DOMAIN.md §3 [V]): MAC inputs and the 0018 log. */
export const TX_TYPE = {
  ED_LOAD: 0x01,
  EP_LOAD: 0x02,
  EP_PURCHASE: 0x06,
  CAPP_PURCHASE: 0x09,
} as const;
