/**
 * The card file system (ISO/IEC 7816-4:2020 §7): a master file 3F00, dedicated files (some of
 * them applications, selected by AID) and elementary files of the four structures — transparent,
 * linear fixed, linear variable and cyclic. The tree is fixed at personalisation and kept in the
 * card image; file contents live in NVM cells and change only through transactions.
 *
 * Cells: transparent EF → `f:<path>` (its bytes); record EF → `r:<path>:<slot>` per record and
 * `m:<path>` = [count, head] (head = physical slot of the newest record of a cyclic EF; record 1
 * of a cyclic EF is the newest, ISO 7816-4 §7.3.3).
 */
import { SW, SwError } from '../apdu/sw.js';
import type { CellWrite } from './nvm.js';

export type EfType = 'transparent' | 'linear-fixed' | 'linear-variable' | 'cyclic';

/**
 * Access condition of a plain ISO command on a file: `always`; `never`; `pin` (after VERIFY in
 * this DF); `app` — only the owning application's own commands may change it (the purse files:
 * written by CREDIT / DEBIT, never by UPDATE BINARY).
 */
export type Access = 'always' | 'never' | 'pin' | 'app';

export interface EfSpec {
  kind: 'ef';
  fid: number;
  sfi?: number;
  label?: string;
  type: EfType;
  /** Transparent: size in bytes. */
  size?: number;
  /** Record EF: record length (maximum length for linear variable). */
  recordLen?: number;
  /** Record EF: maximum number of records. */
  maxRecords?: number;
  read: Access;
  update: Access;
}

export interface DfSpec {
  kind: 'df';
  fid: number;
  /** Application identifier (DF name), hex. */
  aid?: string;
  label?: string;
  /** Which application handler serves this DF (e.g. 'transit'). */
  app?: string;
  children: NodeSpec[];
}

export type NodeSpec = EfSpec | DfSpec;

/** Read/write access to cells: a Tx during a command, or a personalisation writer. */
export interface CellStore {
  get(key: string): Uint8Array | undefined;
  /** Stores a copy of `value`. */
  set(key: string, value: Uint8Array): void;
  /** Stores `value` itself, a new array handed over by its maker (see Tx.adopt); optional. */
  adopt?(key: string, value: Uint8Array): void;
}

/** Stores `value`: adopted when `owned` and the store can, else copied. */
function put(store: CellStore, key: string, value: Uint8Array, owned: boolean): void {
  if (owned && store.adopt) store.adopt(key, value);
  else store.set(key, value);
}

export class EfNode {
  readonly path: string;
  // Cell names are built once: string keys hashed on every APDU were the runtime's top cost.
  readonly binaryCell: string;
  readonly metaCell: string;
  private readonly recordCells: string[] = [];
  constructor(
    readonly spec: EfSpec,
    readonly parent: DfNode,
  ) {
    this.path = `${parent.path}/${hex4(spec.fid)}`;
    this.binaryCell = `f:${this.path}`;
    this.metaCell = `m:${this.path}`;
  }
  /** Cell name of physical record slot `slot` (1-based). */
  recordCell(slot: number): string {
    return (this.recordCells[slot] ??= `r:${this.path}:${slot}`);
  }
  get fid(): number {
    return this.spec.fid;
  }
  get isRecord(): boolean {
    return this.spec.type !== 'transparent';
  }
}

export class DfNode {
  readonly path: string;
  readonly aid: Uint8Array | undefined;
  readonly efs = new Map<number, EfNode>();
  readonly efsBySfi = new Map<number, EfNode>();
  readonly dfs = new Map<number, DfNode>();
  /** Cell name of this DF's blocked flag (see app.ts blockedKey). */
  readonly blockedCell: string;

  constructor(
    readonly spec: DfSpec,
    readonly parent: DfNode | undefined,
  ) {
    this.path = parent ? `${parent.path}/${hex4(spec.fid)}` : hex4(spec.fid);
    this.aid = spec.aid ? hexBytes(spec.aid) : undefined;
    this.blockedCell = `b:${this.path}`;
    for (const c of spec.children) {
      if (c.kind === 'ef') {
        const ef = new EfNode(c, this);
        if (this.efs.has(c.fid) || this.dfs.has(c.fid)) throw new RangeError(`file ${ef.path}: duplicate FID`);
        this.efs.set(c.fid, ef);
        if (c.sfi !== undefined) {
          if (c.sfi < 1 || c.sfi > 30 || this.efsBySfi.has(c.sfi)) throw new RangeError(`file ${ef.path}: bad or duplicate SFI ${c.sfi}`);
          this.efsBySfi.set(c.sfi, ef);
        }
      } else {
        const df = new DfNode(c, this);
        if (this.efs.has(c.fid) || this.dfs.has(c.fid)) throw new RangeError(`file ${df.path}: duplicate FID`);
        this.dfs.set(c.fid, df);
      }
    }
  }

  /** The application DF that owns this DF (itself, or the nearest ancestor with an AID). */
  get application(): DfNode | undefined {
    if (this.aid) return this;
    return this.parent?.application;
  }
}

/** The compiled tree with its AID index. */
export class FileSystem {
  readonly mf: DfNode;
  readonly applications: DfNode[] = [];

  /** @throws RangeError for a malformed tree (duplicate FIDs/SFIs, MF not 3F00). */
  constructor(readonly spec: DfSpec) {
    if (spec.fid !== 0x3f00) throw new RangeError('the MF must have FID 3F00');
    this.mf = new DfNode(spec, undefined);
    const walk = (d: DfNode): void => {
      if (d.aid) this.applications.push(d);
      for (const c of d.dfs.values()) walk(c);
    };
    walk(this.mf);
  }

  /**
   * The application whose AID equals `name`, or starts with it (ISO 7816-4 §11.2.2: selection
   * by a right-truncated DF name, first occurrence).
   */
  findByAid(name: Uint8Array): DfNode | undefined {
    let prefix: DfNode | undefined;
    for (const d of this.applications) {
      const aid = d.aid!;
      if (aid.length < name.length) continue;
      let eq = true;
      for (let i = 0; i < name.length; i++) if (aid[i] !== name[i]) eq = false;
      if (!eq) continue;
      if (aid.length === name.length) return d;
      prefix ??= d;
    }
    return prefix;
  }
}

// ---------------------------------------------------------------------------------------------
// Contents

function metaKey(ef: EfNode): string {
  return ef.metaCell;
}

function recordKey(ef: EfNode, slot: number): string {
  return ef.recordCell(slot);
}

export function binaryKey(ef: EfNode): string {
  return ef.binaryCell;
}

/** Whole contents of a transparent EF. */
export function readBinary(store: CellStore, ef: EfNode): Uint8Array {
  if (ef.isRecord) throw new SwError(SW.COMMAND_INCOMPATIBLE_WITH_FILE, `${ef.path} is a record file`);
  return store.get(binaryKey(ef)) ?? new Uint8Array(ef.spec.size ?? 0);
}

/**
 * Writes `data` at `offset` of a transparent EF.
 * @throws SwError 6B00 when the write runs past the end of the file.
 */
export function updateBinary(store: CellStore, ef: EfNode, offset: number, data: Uint8Array): void {
  const cur = readBinary(store, ef);
  if (offset + data.length > cur.length) throw new SwError(SW.WRONG_P1P2, `write of ${data.length} at ${offset} past the end of ${ef.path} (${cur.length} bytes)`);
  const next = cur.slice();
  next.set(data, offset);
  store.set(binaryKey(ef), next);
}

function meta(store: CellStore, ef: EfNode): { count: number; head: number } {
  const m = store.get(metaKey(ef));
  return m ? { count: m[0], head: m[1] } : { count: 0, head: 0 };
}

/** Number of records present in a record EF. */
export function recordCount(store: CellStore, ef: EfNode): number {
  requireRecordEf(ef);
  return meta(store, ef).count;
}

function requireRecordEf(ef: EfNode): void {
  if (!ef.isRecord) throw new SwError(SW.COMMAND_INCOMPATIBLE_WITH_FILE, `${ef.path} is not a record file`);
}

function slotOf(store: CellStore, ef: EfNode, n: number): number {
  const { count, head } = meta(store, ef);
  if (n < 1 || n > count) throw new SwError(SW.RECORD_NOT_FOUND, `record ${n} of ${ef.path} (${count} present)`);
  if (ef.spec.type !== 'cyclic') return n;
  const max = ef.spec.maxRecords!;
  return ((head - 1 - (n - 1) + max * 2) % max) + 1;
}

/** Record `n` (1-based; for a cyclic EF record 1 is the newest). @throws SwError 6A83. */
export function readRecord(store: CellStore, ef: EfNode, n: number): Uint8Array {
  requireRecordEf(ef);
  return store.get(recordKey(ef, slotOf(store, ef, n)))!;
}

function checkRecordLen(ef: EfNode, data: Uint8Array): void {
  const len = ef.spec.recordLen!;
  const ok = ef.spec.type === 'linear-variable' ? data.length >= 1 && data.length <= len : data.length === len;
  if (!ok) throw new SwError(SW.WRONG_LENGTH, `record of ${data.length} bytes for ${ef.path} (record length ${len})`);
}

/**
 * Replaces record `n`.
 * @param owned `data` is a new array handed over (never touched again by the caller): stored
 *   without a copy where the store can.
 * @throws SwError 6A83 (no such record), 6700 (wrong length).
 */
export function updateRecord(store: CellStore, ef: EfNode, n: number, data: Uint8Array, owned = false): void {
  requireRecordEf(ef);
  checkRecordLen(ef, data);
  put(store, recordKey(ef, slotOf(store, ef, n)), data, owned);
}

/**
 * Appends a record: at the end of a linear EF, or as the new record 1 of a cyclic EF (the oldest
 * is overwritten when full).
 * @param owned as {@link updateRecord}.
 * @throws SwError 6A84 when a linear EF is full, 6700 wrong length.
 */
export function appendRecord(store: CellStore, ef: EfNode, data: Uint8Array, owned = false): void {
  requireRecordEf(ef);
  checkRecordLen(ef, data);
  const { count, head } = meta(store, ef);
  const max = ef.spec.maxRecords!;
  if (ef.spec.type === 'cyclic') {
    const slot = (head % max) + 1;
    put(store, recordKey(ef, slot), data, owned);
    put(store, metaKey(ef), Uint8Array.of(Math.min(count + 1, max), slot), true);
    return;
  }
  if (count >= max) throw new SwError(SW.NOT_ENOUGH_MEMORY, `${ef.path} is full (${max} records)`);
  put(store, recordKey(ef, count + 1), data, owned);
  put(store, metaKey(ef), Uint8Array.of(count + 1, 0), true);
}

/** Finds the record whose first byte equals `id` (JT/T 978 compound records), or 0. */
export function findRecordById(store: CellStore, ef: EfNode, id: number): number {
  const count = recordCount(store, ef);
  for (let n = 1; n <= count; n++) if (readRecord(store, ef, n)[0] === id) return n;
  return 0;
}

/** Personalisation helper: a store that writes straight into a cell map. */
export function mapStore(map: Map<string, CellWrite>): CellStore {
  return {
    get: (k) => map.get(k) ?? undefined,
    set: (k, v) => void map.set(k, v.slice()),
  };
}

export function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

function hexBytes(h: string): Uint8Array {
  if (!/^([0-9a-f]{2})+$/i.test(h)) throw new RangeError(`AID "${h}" is not hex`);
  return Uint8Array.from(h.match(/../g)!.map((b) => parseInt(b, 16)));
}
