/**
 * Request checking shared by the benefit rules (park pass, medical claims): a typed request error
 * whose message is `<field>: <problem>`, field checkers for requests that arrive as JSON, and
 * calendar arithmetic on Beijing dates. No clock: every date comes in.
 */

/**
 * A request a rule cannot decide: `field` is the path of the offending field (`person.birthDate`,
 * `items[2].amountFen`), `problem` says what is wrong with it. One line; never repeats a long value.
 */
export class RuleRequestError extends Error {
  override name = 'RuleRequestError';
  readonly field: string;
  readonly problem: string;

  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.field = field;
    this.problem = problem;
  }
}

export type Obj = Record<string, unknown>;

/** A rule family's request error: `new E(field, problem)`. */
export type RequestErrorCtor = new (field: string, problem: string) => RuleRequestError;

const show = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length <= 40 ? JSON.stringify(v) : `a string of ${v.length} characters`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
};

export function join(field: string, key: string): string {
  return field === '' ? key : `${field}.${key}`;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
/** China has kept UTC+8 all year since 1992 (no daylight saving): Beijing dates are UTC+8 dates. */
const BEIJING_OFFSET_MIN = 8 * 60;

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function ymdValid(y: number, m: number, d: number): boolean {
  return y >= 1900 && y <= 2199 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/**
 * The field checkers of one rule family, throwing its own request error type (so a park request
 * fails with ParkRequestError and a claim with ClaimRequestError, with the same messages).
 */
export function fieldCheckers(E: RequestErrorCtor) {
  /**
   * A plain object with only the `keys` listed (an unknown key is most likely a typo). `field` ''
   * is the request itself: its keys are named bare (`at`, not `request.at`).
   */
  function obj(v: unknown, field: string, keys: readonly string[]): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new E(field || 'request', `expected an object, got ${show(v)}`);
    for (const k of Object.keys(v)) {
      if (!keys.includes(k)) throw new E(join(field, k), `unknown field (expected one of ${keys.join(', ')})`);
    }
    return v as Obj;
  }

  function str(v: unknown, field: string, maxLen = 64): string {
    if (typeof v !== 'string') throw new E(field, `expected a string, got ${show(v)}`);
    if (v.length === 0 || v.length > maxLen) throw new E(field, `expected 1 to ${maxLen} characters, got ${v.length}`);
    return v;
  }

  function oneOf<T extends string>(v: unknown, field: string, values: readonly T[]): T {
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      throw new E(field, `expected one of ${values.join(', ')}, got ${show(v)}`);
    }
    return v as T;
  }

  function int(v: unknown, field: string, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new E(field, `expected an integer, got ${show(v)}`);
    if (v < min || v > max) throw new E(field, `expected ${min} to ${max}, got ${v}`);
    return v;
  }

  function arr(v: unknown, field: string, maxLen: number): unknown[] {
    if (!Array.isArray(v)) throw new E(field, `expected an array, got ${show(v)}`);
    if (v.length > maxLen) throw new E(field, `expected at most ${maxLen} entries, got ${v.length}`);
    return v;
  }

  /** A calendar date `YYYY-MM-DD` (years 1900–2199), as given. */
  function date(v: unknown, field: string): string {
    if (typeof v !== 'string') throw new E(field, `expected a date YYYY-MM-DD, got ${show(v)}`);
    const m = DATE_RE.exec(v);
    if (!m || !ymdValid(+m[1], +m[2], +m[3])) throw new E(field, `expected a date YYYY-MM-DD, got ${show(v)}`);
    return v;
  }

  /**
   * The Beijing calendar date of `v`: either a date `YYYY-MM-DD` (taken as a Beijing date) or an
   * ISO 8601 date-time with an explicit offset (`2026-01-10T09:30:00+08:00`, `…Z`). A date-time
   * without an offset is refused: it would silently depend on the machine's time zone.
   */
  function beijingDate(v: unknown, field: string): string {
    if (typeof v === 'string' && DATE_RE.test(v)) return date(v, field);
    const bad = () => new E(field, `expected a date YYYY-MM-DD or a date-time with offset (2026-01-10T09:30:00+08:00), got ${show(v)}`);
    if (typeof v !== 'string') throw bad();
    const m = INSTANT_RE.exec(v);
    if (!m) throw bad();
    const [y, mo, d, h, mi, s] = [+m[1], +m[2], +m[3], +m[4], +m[5], m[6] === undefined ? 0 : +m[6]];
    if (!ymdValid(y, mo, d) || h > 23 || mi > 59 || s > 59) throw bad();
    let offsetMin = 0;
    if (m[7] !== 'Z') {
      const oh = +m[7].slice(1, 3);
      const om = +m[7].slice(4, 6);
      if (oh > 14 || om > 59) throw bad();
      offsetMin = (m[7][0] === '-' ? -1 : 1) * (oh * 60 + om);
    }
    const utcMs = Date.UTC(y, mo - 1, d, h, mi, s) - offsetMin * 60_000;
    return new Date(utcMs + BEIJING_OFFSET_MIN * 60_000).toISOString().slice(0, 10);
  }

  function bool(v: unknown, field: string): boolean {
    if (typeof v !== 'boolean') throw new E(field, `expected true or false, got ${show(v)}`);
    return v;
  }

  return { obj, str, oneOf, int, arr, date, beijingDate, bool };
}

/**
 * Full years from `birthDate` to `on` (both `YYYY-MM-DD`): the age a person has on that day.
 * Someone born on 29 February turns a year older on 1 March in common years.
 */
export function ageOn(birthDate: string, on: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [y, m, d] = on.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** `YYYY-MM-DD` strings compare as dates. */
export function inRange(day: string, from: string, to: string): boolean {
  return from <= day && day <= to;
}
