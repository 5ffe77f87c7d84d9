/**
 * The card's non-volatile memory: named cells of bytes, written only through transactions that
 * commit all their writes or none (STYLE.md "Atomicity"; JT/T 978 / PBOC: a debit updates
 * balance, counter, log and cached records together).
 *
 * A commit is modelled the way card operating systems do it, so that a tear can strike at any
 * step and still leave the card exactly before or exactly after:
 *   step 1  write the journal (all new values), not yet marked valid
 *   step 2  mark the journal valid                       ← the atomic commit point
 *   step 3… apply the journal entries to the cells one by one
 *   last    erase the journal
 * On the next power-on `recover()` rolls a valid journal forward (after) and drops an unmarked
 * one (before). A tear "during commit" stops after a chosen number of these steps.
 */
import { bytesToHex, hexToBytes } from '../../crypto/utils.js';

/** One staged write: a new value, or null to delete the cell. */
export type CellWrite = Uint8Array | null;

interface Journal {
  /** The committed transaction's own map (commit takes ownership): no copy per commit. */
  entries: ReadonlyMap<string, CellWrite>;
  valid: boolean;
}

/** JSON form of the NVM (cells and any journal left by a tear), hex values. */
export interface NvmJson {
  cells: Record<string, string>;
  journal?: { entries: [string, string | null][]; valid: boolean };
}

/** An RFC 7396 merge patch over NvmJson (see Nvm.patchSince). */
export interface NvmJsonPatch {
  cells?: Record<string, string | null>;
  journal?: NvmJson['journal'] | null;
}

/** The NVM at one moment (Nvm.snapshot): opaque to callers, valid only with the Nvm that made it. */
export interface NvmSnapshot {
  readonly owner: unknown;
  /** Nvm's change counter then: the cells changed since are those changed later. */
  readonly seq: number;
  readonly journal: unknown;
  readonly journalValid: boolean;
}

export type RecoveryOutcome = 'clean' | 'rolled-back' | 'rolled-forward';

/** Hex of cell values (see Nvm.hexOf); weak, so replaced values are collected. */
const hexCache = new WeakMap<Uint8Array, string>();

export class Nvm {
  private readonly cells: Map<string, Uint8Array>;
  private journal: Journal | undefined;
  /**
   * Each cell ever written or deleted since this object was made, with the change counter at
   * its last change: patchSince looks only at these (a tap changes a handful of the card's
   * cells; keys and file headers never change), and a snapshot is the counter, not a copy.
   */
  private readonly lastChange = new Map<string, number>();
  private changes = 0;
  /** See derived(): never serialised, never reachable by a command. */
  private readonly derivedValues = new WeakMap<Uint8Array, Map<unknown, unknown>>();

  constructor(cells?: Map<string, Uint8Array>) {
    this.cells = cells ?? new Map();
  }

  /** The stored bytes of a cell (do not mutate: cells are replaced, never written in place). */
  get(key: string): Uint8Array | undefined {
    return this.cells.get(key);
  }

  has(key: string): boolean {
    return this.cells.has(key);
  }

  /** Cell names, sorted (for images and tests). */
  keys(): string[] {
    return [...this.cells.keys()].sort();
  }

  /** True when a tear left a journal behind (recover() runs at the next power-on). */
  get pendingJournal(): boolean {
    return this.journal !== undefined;
  }

  /** Number of commit steps for `n` writes: journal, mark, n applies, erase. */
  static commitSteps(n: number): number {
    return n + 3;
  }

  /**
   * Commits `writes` atomically (taking ownership of the map and its arrays). With `stopAfterStep` (1 … commitSteps − 1) the commit stops
   * there as if power were cut, leaving the journal for recover().
   * @returns true when the commit completed.
   */
  commit(writes: Map<string, CellWrite>, stopAfterStep?: number): boolean {
    if (writes.size === 0) return true;
    const stop = stopAfterStep ?? Infinity;
    // Takes ownership of the map and its values: Tx.set already copied them out of the
    // caller's buffers, and the transaction is not used again.
    const journal: Journal = { entries: writes, valid: false };
    this.journal = journal;
    if (stop <= 1) return false;
    journal.valid = true;
    if (stop <= 2) return false;
    let step = 2;
    for (const [k, v] of journal.entries) {
      this.apply(k, v);
      if (++step >= stop) return false;
    }
    this.journal = undefined;
    return true;
  }

  /** Power-on recovery: finish a valid journal, drop an unmarked one. */
  recover(): RecoveryOutcome {
    const j = this.journal;
    if (!j) return 'clean';
    this.journal = undefined;
    if (!j.valid) return 'rolled-back';
    for (const [k, v] of j.entries) this.apply(k, v);
    return 'rolled-forward';
  }

  /** Writes or deletes one cell and counts the change (see lastChange). */
  private apply(key: string, value: CellWrite): void {
    if (value === null) this.cells.delete(key);
    else this.cells.set(key, value);
    this.lastChange.set(key, ++this.changes);
  }

  /**
   * A value derived from stored bytes — an expanded key schedule — made once per stored value
   * by `make` and kept while the bytes are. Cells are replaced, never written in place, so an
   * array's identity is its version: the value can never disagree with the bytes, and goes
   * with them. It lives in this object only (toJSON never sees it); purse-crypto.ts says what it saves.
   * @returns what `make(bytes)` returned for these bytes, the first time.
   */
  derived<T>(bytes: Uint8Array, make: (bytes: Uint8Array) => T): T {
    let byMaker = this.derivedValues.get(bytes);
    if (byMaker === undefined) this.derivedValues.set(bytes, (byMaker = new Map()));
    if (byMaker.has(make)) return byMaker.get(make) as T;
    const v = make(bytes);
    byMaker.set(make, v);
    return v;
  }

  /**
   * The hex of a cell value, computed once per value: cells are replaced, never written in
   * place, so a value object always holds the same bytes. A stored card serialises its image
   * after every change (terminal-sim/store), and most cells have not changed since the last time.
   */
  private hexOf(bytes: Uint8Array): string {
    let h = hexCache.get(bytes);
    if (h === undefined) hexCache.set(bytes, (h = bytesToHex(bytes)));
    return h;
  }

  /** This moment, for patchSince: the change counter and the journal with its mark. */
  snapshot(): NvmSnapshot {
    return { owner: this, seq: this.changes, journal: this.journal, journalValid: this.journal?.valid ?? false };
  }

  /**
   * The RFC 7396 merge patch that turns toJSON() at `since` into toJSON() now: changed and new
   * cells with their hex, deleted ones null, the journal when it changed (null when it is gone);
   * undefined when nothing was written. A stored card saves this instead of its whole image: a
   * tap changes a handful of cells out of dozens (terminal-sim/store, issue 5 "Speed").
   * @throws RangeError for a snapshot of another Nvm
   */
  patchSince(since: NvmSnapshot): NvmJsonPatch | undefined {
    if (since.owner !== this) throw new RangeError('NVM snapshot: taken from another card’s NVM');
    let cells: Record<string, string | null> | undefined;
    if (since.seq !== this.changes) {
      for (const [k, at] of this.lastChange) {
        if (at <= since.seq) continue;
        const v = this.cells.get(k);
        // A cell made and deleted since is null too: RFC 7396 removes nothing then, harmlessly.
        // Not through hexOf's cache: a value written since is seldom hexed again before the next
        // tap replaces it, and a WeakMap entry per value costs more (ephemerons, GC) than it saves.
        (cells ??= {})[k] = v === undefined ? null : (hexCache.get(v) ?? bytesToHex(v));
      }
    }
    const journalChanged = since.journal !== this.journal || since.journalValid !== (this.journal?.valid ?? false);
    if (!cells && !journalChanged) return undefined;
    const out: NvmJsonPatch = {};
    if (cells) out.cells = cells;
    if (journalChanged) out.journal = this.journalJson() ?? null;
    return out;
  }

  /** Writes a cell outside any transaction: personalisation only. */
  personalise(key: string, value: Uint8Array): void {
    this.apply(key, value.slice());
  }

  toJSON(): NvmJson {
    const cells: Record<string, string> = {};
    for (const k of this.keys()) cells[k] = this.hexOf(this.cells.get(k)!);
    const out: NvmJson = { cells };
    const journal = this.journalJson();
    if (journal) out.journal = journal;
    return out;
  }

  private journalJson(): NvmJson['journal'] {
    const j = this.journal;
    return j && { valid: j.valid, entries: [...j.entries].map(([k, v]) => [k, v === null ? null : bytesToHex(v)]) };
  }

  /** @throws RangeError naming the cell for malformed hex. */
  static fromJSON(json: NvmJson): Nvm {
    if (!json || typeof json !== 'object' || typeof json.cells !== 'object') throw new RangeError('NVM image: "cells" missing');
    const nvm = new Nvm(new Map(Object.entries(json.cells).map(([k, v]) => [k, hexToBytes(v, `cells.${k}`)])));
    if (json.journal) {
      nvm.journal = {
        valid: json.journal.valid === true,
        entries: new Map(json.journal.entries.map(([k, v]) => [k, v === null ? null : hexToBytes(v, `journal.${k}`)])),
      };
    }
    return nvm;
  }
}

/**
 * The writes of one APDU, staged over the NVM: reads see staged values first; nothing reaches
 * the NVM until the runtime commits.
 */
export class Tx {
  // Made on the first write: most APDUs (SELECT, reads, INITIALIZE) write nothing.
  #writes: Map<string, CellWrite> | undefined;
  constructor(private readonly nvm: Nvm) {}

  /** The staged writes, in staging order. */
  get writes(): Map<string, CellWrite> {
    return (this.#writes ??= new Map());
  }

  /** True when anything is staged. */
  get hasWrites(): boolean {
    return this.#writes !== undefined && this.#writes.size > 0;
  }

  get(key: string): Uint8Array | undefined {
    const staged = this.#writes?.get(key);
    if (staged !== undefined) return staged ?? undefined;
    return this.nvm.get(key);
  }

  /** Stages a copy of `value` (the caller's buffer is never aliased). */
  set(key: string, value: Uint8Array): void {
    this.writes.set(key, value.slice());
  }

  /**
   * Stages `value` itself: for a new array the caller made for this write and hands over (it
   * must never touch it again). The purse's debit stages eight such arrays per tap, one of them
   * the 128-byte 1A record, whose copy was an off-heap allocation (≈ 0.7 µs measured).
   */
  adopt(key: string, value: Uint8Array): void {
    this.writes.set(key, value);
  }

  delete(key: string): void {
    this.writes.set(key, null);
  }
}
