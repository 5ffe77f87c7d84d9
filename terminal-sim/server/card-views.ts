/**
 * What GET /v1/cards/:id shows of a card besides its purse (issue 5: "serial, card type,
 * balances, transit state, apps"): the applications on the card and the transit state kept in
 * its 1A records (DOMAIN.md §3 compound records: record 01 rail, 02 bus). Read from the card's
 * cells, never through APDUs (a view must not move counters or randoms). Nothing secret.
 */
import { bytesToHex } from '../../crypto/utils.js';
import { blockedKey } from '../../engine/index.js';
import type { Card } from '../../engine/index.js';
import { decodeTransitRecord, TRANSIT_RECORD_ID, TRIP_STATE, TransitRecordError } from '../transit/compound-record.js';

export interface AppView {
  aid: string;
  label: string;
  app: string;
  blocked: boolean;
}

export interface TripEndView {
  line: number;
  station: number;
  device: string;
  /** ISO 8601, Beijing time. */
  at: string;
  amountFen: number;
}

export interface TripView {
  /** none (never used or record cleared), entered (in the network), exited (last trip ended). */
  state: 'none' | 'entered' | 'exited' | 'unknown';
  entry?: TripEndView;
  exit?: TripEndView;
  /** The record's month accumulators: YYYY-MM, spend and rides. */
  month?: { period: string; spendFen: number; rides: number };
  /** Why the record could not be read (a bad CRC: a gate refuses the card). */
  problem?: string;
}

export interface TransitView {
  rail: TripView;
  bus: TripView;
}

/** EF 001A of the transit application (DOMAIN.md §3): compound records, 01 rail and 02 bus. */
const EF_1A = 0x001a;

function iso(digits: string): string {
  return `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}T${digits.slice(8, 10)}:${digits.slice(10, 12)}:${digits.slice(12, 14)}+08:00`;
}

function tripOf(card: Card, recordId: number): TripView {
  // The card file system names the record's cell (a linear-fixed record n lives in slot n).
  const ef = card.fs.applications.find((df) => df.spec.app === 'transit')?.efs.get(EF_1A);
  const bytes = ef && card.peekCell(ef.recordCell(recordId));
  if (!bytes) return { state: 'none' };
  let r;
  try {
    r = decodeTransitRecord(bytes);
  } catch (e) {
    if (e instanceof TransitRecordError) return { state: 'unknown', problem: `${e.problem}: ${e.message}` };
    throw e;
  }
  if (r.state === TRIP_STATE.NONE) return { state: 'none' };
  const state = r.state === TRIP_STATE.ENTERED ? 'entered' : r.state === TRIP_STATE.EXITED ? 'exited' : 'unknown';
  const view: TripView = {
    state,
    entry: { line: r.entryLine, station: r.entryStation, device: r.entryDevice, at: iso(r.entryDateTime), amountFen: r.entryAmountFen },
    month: { period: `${r.accMonth.slice(0, 4)}-${r.accMonth.slice(4, 6)}`, spendFen: r.monthSpendFen, rides: r.monthRides },
  };
  if (r.state === TRIP_STATE.EXITED) view.exit = { line: r.exitLine, station: r.exitStation, device: r.exitDevice, at: iso(r.exitDateTime), amountFen: r.exitAmountFen };
  return view;
}

export function transitOf(card: Card): TransitView {
  return { rail: tripOf(card, TRANSIT_RECORD_ID.RAIL), bus: tripOf(card, TRANSIT_RECORD_ID.BUS) };
}

export function appsOf(card: Card): AppView[] {
  return card.fs.applications.map((df) => ({
    aid: bytesToHex(df.aid!),
    label: df.spec.label ?? '',
    app: df.spec.app ?? '',
    blocked: card.peekCell(blockedKey(df)) !== undefined,
  }));
}
