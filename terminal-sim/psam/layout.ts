/**
 * The PSAM's file system and NVM cells — ssc3 profile [P] where DOMAIN.md §3 gives only the
 * commands:
 * - MF 3F00 holds EF 0016, the 6-byte terminal id, read with `00 B0 96 00 06` [V] right after
 *   reset (as transit terminals do before selecting the PSAM application).
 * - The purchase application is DF 1001 [S: the FID public reader code selects], with the AID
 *   D1 56 00 00 01 50 53 41 4D ("D156" China RID prefix, "PSAM") [P] — the engine's runtime
 *   routes commands to an application by its AID, so the DF needs one; terminals select it by
 *   FID (`00 A4 00 00 02 10 01`).
 * - Keys: one purchase master key per (key version, algorithm id) in cell
 *   `k:<df>:purchase:<ver>:<alg>` — never readable by any command.
 * - The terminal transaction sequence number: cell `p:<df>:terminal-seq`, 4 bytes, the number
 *   the next INIT SAM FOR PURCHASE hands out (starts at 1).
 */
import type { DfNode, DfSpec, EfSpec } from '../../engine/card/fs.js';

export const PSAM_APP_NAME = 'psam';
export const PSAM_AID = 'd1560000015053414d';
export const PSAM_DF_FID = 0x1001;
export const PSAM_TERMINAL_ID_LEN = 6;

/** The PSAM's MF: EF 0016 (terminal id) and the purchase DF. */
export function psamFsSpec(): DfSpec {
  const ef16: EfSpec = { kind: 'ef', fid: 0x0016, sfi: 0x16, label: 'terminal id', type: 'transparent', size: PSAM_TERMINAL_ID_LEN, read: 'always', update: 'never' };
  return {
    kind: 'df',
    fid: 0x3f00,
    label: 'MF',
    children: [ef16, { kind: 'df', fid: PSAM_DF_FID, aid: PSAM_AID, label: 'purchase', app: PSAM_APP_NAME, children: [] }],
  };
}

/** Normalises an algorithm id: 01 is read as 3DES like 00 (DOMAIN.md §3). */
export function canonicalAlgId(algId: number): number {
  return algId === 0x01 ? 0x00 : algId;
}

export const psamCells = {
  purchaseKey: (df: DfNode | string, keyVersion: number, algId: number) =>
    `k:${typeof df === 'string' ? df : df.path}:purchase:${hex2(keyVersion)}:${hex2(canonicalAlgId(algId))}`,
  terminalSeq: (df: DfNode | string) => `p:${typeof df === 'string' ? df : df.path}:terminal-seq`,
};

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}
