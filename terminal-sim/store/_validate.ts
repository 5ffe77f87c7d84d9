/**
 * Input checks shared by the card stores (STYLE.md "Errors", kind 1): TypeError for a wrong
 * type, RangeError for a wrong value, each naming the field. Internal to terminal-sim/store/.
 */
import type { CardImage } from '../../engine/index.js';
import type { JournalRecord } from '../clearing/journal.js';
import type { CardMeta, TerminalKind } from './card-store.js';

const ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

export function checkCardId(id: unknown): string {
  if (typeof id !== 'string') throw new TypeError(`"id" expected string, got ${typeof id}`);
  if (!ID_RE.test(id)) throw new RangeError(`"id" expected 1..128 characters of A-Z a-z 0-9 . _ : -, got ${JSON.stringify(id)}`);
  return id;
}

const TERMINAL_KINDS: readonly TerminalKind[] = ['gate', 'bus', 'topup'];

export function checkTerminalKind(kind: unknown): TerminalKind {
  if (!TERMINAL_KINDS.includes(kind as TerminalKind)) throw new RangeError(`"kind" expected one of ${TERMINAL_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  return kind as TerminalKind;
}

/** A terminal's config or state as stored JSON text. @throws TypeError when it is not JSON. */
export function jsonText(name: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new TypeError(`"${name}" is not JSON-serialisable: ${(e as Error).message}`);
  }
  if (text === undefined) throw new TypeError(`"${name}" expected a JSON value, got ${typeof value}`);
  return text;
}

/** Checks the image's envelope and returns its JSON text (the stored form). */
export function imageText(image: CardImage): string {
  if (!image || typeof image !== 'object') throw new TypeError(`"image" expected a card image object, got ${image === null ? 'null' : typeof image}`);
  if (image.format !== 'ssc3-card/1') throw new RangeError(`"image.format" expected "ssc3-card/1", got ${JSON.stringify(image.format)}`);
  if (!image.nvm || typeof image.nvm !== 'object' || !image.fs || typeof image.fs !== 'object') throw new RangeError('"image" expected "fs" and "nvm" objects');
  return JSON.stringify(image);
}

export function checkMeta(meta: unknown): CardMeta {
  if (meta === undefined) return {};
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) throw new TypeError('"meta" expected a plain object');
  const out: CardMeta = {};
  for (const [k, v] of Object.entries(meta)) {
    if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) throw new TypeError(`"meta.${k}" expected string or finite number, got ${typeof v}`);
    out[k] = v;
  }
  return out;
}

export function checkVersion(v: unknown, name = 'expectedVersion'): number {
  if (!Number.isSafeInteger(v) || (v as number) < 1) throw new RangeError(`"${name}" expected a positive integer, got ${String(v)}`);
  return v as number;
}

/** A non-negative integer no larger than `max`. */
function int(rec: Record<string, unknown>, field: string, at: string, max: number): void {
  const v = rec[field];
  if (typeof v !== 'number') throw new TypeError(`"${at}.${field}" expected number, got ${typeof v}`);
  if (!Number.isSafeInteger(v) || v < 0 || v > max) throw new RangeError(`"${at}.${field}" expected an integer in [0, ${max}], got ${v}`);
}

function text(rec: Record<string, unknown>, field: string, at: string, re: RegExp, what: string): void {
  const v = rec[field];
  if (typeof v !== 'string') throw new TypeError(`"${at}.${field}" expected string, got ${typeof v}`);
  if (!re.test(v)) throw new RangeError(`"${at}.${field}" expected ${what}, got ${JSON.stringify(v)}`);
}

/**
 * Checks one journal record (`at` names it in messages, e.g. "records[2]").
 * @throws TypeError / RangeError naming the field.
 */
export function checkJournalRecord(record: JournalRecord, at: string): void {
  if (!record || typeof record !== 'object') throw new TypeError(`"${at}" expected a journal record object`);
  const r = record as unknown as Record<string, unknown>;
  text(r, 'serial', at, /^\d{20}$/, '20 decimal digits');
  int(r, 'counter', at, 0xffff);
  int(r, 'amountFen', at, 0xffffffff);
  int(r, 'type', at, 0xff);
  text(r, 'terminalId', at, /^[0-9a-fA-F]{12}$/, '12 hex digits');
  if (r.terminalSeq !== undefined) int(r, 'terminalSeq', at, 0xffffffff);
  text(r, 'dateTime', at, /^\d{14}$/, 'YYYYMMDDhhmmss');
  text(r, 'tac', at, /^[0-9a-fA-F]{8}$/, '8 hex digits');
  if (r.alg !== '3des' && r.alg !== 'sm4') throw new RangeError(`"${at}.alg" expected '3des' or 'sm4', got ${JSON.stringify(r.alg)}`);
  if (r.recovered !== undefined && typeof r.recovered !== 'boolean') throw new TypeError(`"${at}.recovered" expected boolean, got ${typeof r.recovered}`);
}

export function checkQueryLimit(limit: unknown): number | undefined {
  if (limit === undefined) return undefined;
  if (!Number.isSafeInteger(limit) || (limit as number) < 0) throw new RangeError(`"limit" expected a non-negative integer, got ${String(limit)}`);
  return limit as number;
}

/** The non-secret summary facts of an image. */
export function infoFacts(image: CardImage): { serial: string | undefined; profile: string | undefined } {
  const info = image.info ?? {};
  return {
    serial: info.serial === undefined ? undefined : String(info.serial),
    profile: info.profile === undefined ? undefined : String(info.profile),
  };
}

export function checkNow(now: unknown): () => number {
  if (typeof now !== 'function') throw new TypeError('"now" expected a function returning epoch ms');
  return now as () => number;
}

/** Reads the clock and checks it gave an integer epoch ms. */
export function readNow(now: () => number): number {
  const t = now();
  if (!Number.isSafeInteger(t)) throw new RangeError(`"now()" expected an integer epoch ms, got ${String(t)}`);
  return t;
}

/** The record's known fields only, in one canonical shape: terminalSeq and recovered only when set. */
export function canonicalRecord(r: JournalRecord): JournalRecord {
  const out: JournalRecord = { serial: r.serial, counter: r.counter, amountFen: r.amountFen, type: r.type, terminalId: r.terminalId, dateTime: r.dateTime, tac: r.tac, alg: r.alg };
  if (r.terminalSeq !== undefined) out.terminalSeq = r.terminalSeq;
  if (r.recovered) out.recovered = true;
  return out;
}

/** Every record checked (a bad one throws, naming `records[i]`), then in canonical shape. */
export function checkedRecords(records: readonly JournalRecord[]): JournalRecord[] {
  records.forEach((r, i) => checkJournalRecord(r, `records[${i}]`));
  return records.map(canonicalRecord);
}

/** Patches a card may hold before a grouped save writes its whole image again (both stores). */
export const DEFAULT_FOLD_AFTER = 32;

export function checkFoldAfter(fold: unknown = DEFAULT_FOLD_AFTER): number {
  if (!Number.isSafeInteger(fold) || (fold as number) < 0) throw new RangeError(`"foldAfterPatches" expected an integer ≥ 0, got ${String(fold)}`);
  return fold as number;
}
