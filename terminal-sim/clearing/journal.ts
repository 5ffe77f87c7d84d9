/**
 * The transaction journal every terminal writes: one record per completed purse transaction,
 * enough for clearing to recompute the card's TAC (DOMAIN.md §3 "Purse cryptography": purchase
 * TAC over amount ‖ type ‖ terminal id ‖ terminal seq ‖ date ‖ time, load TAC over amount ‖
 * type ‖ terminal id ‖ date ‖ time). JSON-friendly: hex and digit strings, integer fen.
 */
import type { purseCrypto } from '../../engine/index.js';

export interface JournalRecord {
  /** The card's application serial (EF 0015), 20 digits. */
  serial: string;
  /** The card counter the transaction used: online for loads, offline for purchases. */
  counter: number;
  amountFen: number;
  /** 02 EP load, 06 EP purchase, 09 compound purchase. */
  type: number;
  /** The terminal id in the MACs and the TAC, 12 hex digits. */
  terminalId: string;
  /** The PSAM's terminal transaction sequence number (purchases only). */
  terminalSeq?: number;
  /** YYYYMMDDhhmmss Beijing time, as sent to the card. */
  dateTime: string;
  /** The card's TAC, 8 hex digits. */
  tac: string;
  alg: purseCrypto.PurseAlg;
  /** Completed by 闪卡 recovery (the card left before answering; the proof came later). */
  recovered?: boolean;
}

/** Where a terminal writes its records. */
export interface JournalSink {
  append(record: JournalRecord): void;
}

/** An in-memory journal (a file- or server-backed one implements the same sink). */
export class Journal implements JournalSink {
  private readonly list: JournalRecord[] = [];

  /** Appends a frozen copy. */
  append(record: JournalRecord): void {
    // Object.assign rather than a spread: V8 freezes the spread's copy on a slow path, measured
    // ≈ 1.1 µs against ≈ 0.25 µs (a journal record per tap). Same own enumerable fields.
    this.list.push(Object.freeze(Object.assign({}, record)));
  }

  /** Drops every record (long simulations and benchmarks that have no use for old ones). */
  clear(): void {
    this.list.length = 0;
  }

  /** The records, oldest first. */
  get records(): readonly JournalRecord[] {
    return this.list;
  }

  toJSON(): JournalRecord[] {
    return this.list.map((r) => ({ ...r }));
  }
}
