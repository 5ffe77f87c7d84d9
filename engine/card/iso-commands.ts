/**
 * The inter-industry commands the card OS implements for every DF (ISO/IEC 7816-4:2020 §11):
 * SELECT (§11.2.2), READ BINARY / UPDATE BINARY (§11.3.3, §11.3.5), READ RECORD / UPDATE RECORD /
 * APPEND RECORD (§11.4.3, §11.4.5, §11.4.7), GET CHALLENGE (§11.5.3). GET RESPONSE lives in the
 * dispatcher (it is transport state, not file state).
 */
import type { CommandApdu } from '../apdu/command.js';
import { SW, SwError } from '../apdu/sw.js';
import type { AppContext, DataWithSw } from './app.js';
import type { Access, DfNode, EfNode } from './fs.js';
import { appendRecord, readBinary, readRecord, updateBinary, updateRecord } from './fs.js';

export const INS = {
  SELECT: 0xa4,
  READ_BINARY: 0xb0,
  UPDATE_BINARY: 0xd6,
  READ_RECORD: 0xb2,
  UPDATE_RECORD: 0xdc,
  APPEND_RECORD: 0xe2,
  GET_CHALLENGE: 0x84,
  GET_RESPONSE: 0xc0,
  VERIFY: 0x20,
  INTERNAL_AUTHENTICATE: 0x88,
} as const;

/** What the OS keeps selected (volatile). */
export interface Selection {
  df: DfNode;
  ef: EfNode | undefined;
}

export function checkAccess(rule: Access, ef: EfNode, ctx: AppContext, what: string): void {
  if (rule === 'always') return;
  if (rule === 'pin' && ctx.security.pinVerified.has(ef.parent.application?.path ?? ef.parent.path)) return;
  throw new SwError(SW.SECURITY_STATUS_NOT_SATISFIED, `${what} of ${ef.path} needs ${rule}`);
}

function efBySfiOrCurrent(sel: Selection, sfi: number): EfNode {
  if (sfi === 0) {
    if (!sel.ef) throw new SwError(SW.COMMAND_NOT_ALLOWED_NO_EF, 'no current EF');
    return sel.ef;
  }
  const ef = sel.df.efsBySfi.get(sfi);
  if (!ef) throw new SwError(SW.FILE_NOT_FOUND, `no EF with SFI ${sfi.toString(16)} in ${sel.df.path}`);
  return ef;
}

/** Resolves the EF of READ/UPDATE BINARY: P1 b8 = 1 → SFI in P1 b5–b1 and offset P2. */
function binaryTarget(cmd: CommandApdu, sel: Selection): { ef: EfNode; offset: number } {
  if (cmd.p1 & 0x80) {
    if (cmd.p1 & 0x60) throw new SwError(SW.INCORRECT_P1P2, 'P1 b7–b6 must be 0 with an SFI');
    const ef = efBySfiOrCurrent(sel, cmd.p1 & 0x1f);
    sel.ef = ef;
    return { ef, offset: cmd.p2 };
  }
  return { ef: efBySfiOrCurrent(sel, 0), offset: ((cmd.p1 & 0x7f) << 8) | cmd.p2 };
}

export function readBinaryCmd(cmd: CommandApdu, sel: Selection, ctx: AppContext): Uint8Array | DataWithSw {
  if (cmd.data.length > 0) throw new SwError(SW.WRONG_LENGTH, 'READ BINARY takes no data');
  const { ef, offset } = binaryTarget(cmd, sel);
  if (ef.isRecord) throw new SwError(SW.COMMAND_INCOMPATIBLE_WITH_FILE, `${ef.path} is a record file`);
  checkAccess(ef.spec.read, ef, ctx, 'READ BINARY');
  const content = readBinary(ctx.tx, ef);
  if (offset > content.length) throw new SwError(SW.WRONG_P1P2, `offset ${offset} beyond ${ef.path} (${content.length} bytes)`);
  const want = cmd.ne === 0 ? content.length - offset : cmd.ne;
  // Cells are replaced, never written in place, and the runtime copies response data into the
  // response: the whole file goes out as stored, without a copy of its own.
  const out = offset === 0 && want >= content.length ? content : content.slice(offset, offset + want);
  // ISO 7816-4 §11.3.3: fewer bytes than Ne (other than the "up to 256/65536" forms) → 6282.
  if (out.length < want && cmd.ne !== 256 && cmd.ne !== 65536) return { data: out, sw: SW.END_OF_FILE };
  return out;
}

export function updateBinaryCmd(cmd: CommandApdu, sel: Selection, ctx: AppContext): undefined {
  if (cmd.data.length === 0) throw new SwError(SW.WRONG_LENGTH, 'UPDATE BINARY needs data');
  const { ef, offset } = binaryTarget(cmd, sel);
  if (ef.isRecord) throw new SwError(SW.COMMAND_INCOMPATIBLE_WITH_FILE, `${ef.path} is a record file`);
  checkAccess(ef.spec.update, ef, ctx, 'UPDATE BINARY');
  updateBinary(ctx.tx, ef, offset, cmd.data);
  return undefined;
}

/** P2 = SFI (b8–b4) ‖ mode (b3–b1); only mode 100 "record number in P1" is supported. */
function recordTarget(cmd: CommandApdu, sel: Selection): { ef: EfNode; n: number } {
  if ((cmd.p2 & 0x07) !== 0x04) throw new SwError(SW.INCORRECT_P1P2, `record mode ${cmd.p2 & 7} not supported (only 4: record number in P1)`);
  if (cmd.p1 === 0) throw new SwError(SW.INCORRECT_P1P2, 'record number 0 (current record) not supported');
  const ef = efBySfiOrCurrent(sel, cmd.p2 >> 3);
  if (!ef.isRecord) throw new SwError(SW.COMMAND_INCOMPATIBLE_WITH_FILE, `${ef.path} is not a record file`);
  sel.ef = ef;
  return { ef, n: cmd.p1 };
}

export function readRecordCmd(cmd: CommandApdu, sel: Selection, ctx: AppContext): Uint8Array {
  if (cmd.data.length > 0) throw new SwError(SW.WRONG_LENGTH, 'READ RECORD takes no data');
  const { ef, n } = recordTarget(cmd, sel);
  checkAccess(ef.spec.read, ef, ctx, 'READ RECORD');
  // As stored (see readBinaryCmd): a 128-byte copy here was an off-heap allocation, ≈ 0.7 µs.
  return readRecord(ctx.tx, ef, n);
}

export function updateRecordCmd(cmd: CommandApdu, sel: Selection, ctx: AppContext): undefined {
  const { ef, n } = recordTarget(cmd, sel);
  checkAccess(ef.spec.update, ef, ctx, 'UPDATE RECORD');
  updateRecord(ctx.tx, ef, n, cmd.data);
  return undefined;
}

export function appendRecordCmd(cmd: CommandApdu, sel: Selection, ctx: AppContext): undefined {
  if (cmd.p1 !== 0 || (cmd.p2 & 0x07) !== 0) throw new SwError(SW.INCORRECT_P1P2, 'APPEND RECORD needs P1 = 00 and P2 = SFI‖000');
  const ef = efBySfiOrCurrent(sel, cmd.p2 >> 3);
  if (!ef.isRecord) throw new SwError(SW.COMMAND_INCOMPATIBLE_WITH_FILE, `${ef.path} is not a record file`);
  checkAccess(ef.spec.update, ef, ctx, 'APPEND RECORD');
  sel.ef = ef;
  appendRecord(ctx.tx, ef, cmd.data);
  return undefined;
}

export function getChallengeCmd(cmd: CommandApdu, ctx: AppContext): Uint8Array {
  if (cmd.p1 !== 0 || cmd.p2 !== 0) throw new SwError(SW.INCORRECT_P1P2, 'GET CHALLENGE needs P1 = P2 = 00');
  if (cmd.data.length > 0 || ![4, 8, 16].includes(cmd.ne)) throw new SwError(SW.WRONG_LENGTH, 'GET CHALLENGE returns 4, 8 or 16 bytes');
  const c = ctx.rng.bytes(cmd.ne);
  ctx.security.challenge = c;
  return c.slice();
}
