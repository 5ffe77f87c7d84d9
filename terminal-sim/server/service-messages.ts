/**
 * What crosses between the HTTP thread and the service thread (service-thread.ts,
 * service-worker.ts): the service set-up as plain data, the calls and answers, and errors in a
 * form structured clone keeps (an ApiError's class would not survive it).
 */
import { chineseDaysCalendar, jsonWorkdayCalendar } from '../../engine/rules/index.js';
import type { WorkdayCalendar } from '../../engine/rules/index.js';
import type { VpcdEvent } from '../transport/vpcd.js';
import type { API_METHODS } from './api-services.js';
import { ApiError, ERRORS } from './errors.js';
import type { ErrorCode } from './errors.js';

/** A `--calendar FILE`'s content and name: laid over chinese-days where the services run. */
export interface CalendarOverlay {
  json: unknown;
  name: string;
}

/** chinese-days, with the overlay's years over it. @throws CalendarDataError, RangeError for bad data */
export function calendarOf(overlay: CalendarOverlay | undefined): WorkdayCalendar {
  return overlay ? chineseDaysCalendar().overlaidWith(jsonWorkdayCalendar(overlay.json, overlay.name)) : chineseDaysCalendar();
}

/** Everything the service thread needs to build its store and services (workerData). */
export interface ServiceSpec {
  /** A SQLite file (created if missing), or a throwaway memory store. */
  store: { kind: 'sqlite'; path: string } | { kind: 'memory' };
  /** Cards created without a seed get seed + 1, seed + 2, … (default 0). */
  seed?: number;
  vpcd?: { host: string; port: number };
  calendar?: CalendarOverlay;
  maxOpenCards?: number;
}

export type ServicePart = keyof typeof API_METHODS;

/**
 * The most calls the service thread starts in one event-loop turn (service-worker.ts says why a
 * cap). In a first measurement (wrk, 128 connections of taps, a minimal HTTP side) 32 a turn
 * gave 4,489–4,848 taps/s and 48 gave 5,384–5,987; with no cap the threads took turns as
 * service-worker.ts describes (4,000–4,250). On the full server, 24, 48, 64, 96 and 128 gave
 * medians of 4,100–4,840 over three alternating runs each, within the machine's noise, and 96
 * was no better than 48 once each turn waited for the commit before it (README "Benchmarks");
 * 48 is kept, which also bounds a commit (about 2.5 ms) and so the wait of the taps behind it.
 */
export const MAX_CALLS_PER_TURN = 48;

export type ServiceCall = { t: 'call'; id: number; part: ServicePart; method: string; args: unknown[] };

export type ServiceAnswer = { t: 'result'; id: number; value: unknown } | { t: 'error'; id: number; error: EncodedError };

/**
 * Calls made in one event-loop turn of the HTTP thread cross as one message ('calls'), and the
 * answers ready in one turn of the service thread as one ('answers'): each message costs both
 * threads a fixed price (the port's queue, the wake-up, its event in the receiving thread), and a
 * tap is one call and one answer (Outbox, outbox.ts).
 */
export type ToService = ServiceCall | { t: 'calls'; calls: ServiceCall[] } | { t: 'close' };

export type FromService =
  | { t: 'ready' }
  | { t: 'failed'; error: EncodedError }
  | ServiceAnswer
  | { t: 'answers'; answers: ServiceAnswer[] }
  | { t: 'reader'; slot: number; event: VpcdEvent }
  | { t: 'closed' };

export interface EncodedError {
  /** Set for an ApiError: its code and the message it was built with. */
  code?: ErrorCode;
  name: string;
  message: string;
  stack?: string;
}

export function encodeError(e: unknown): EncodedError {
  if (e instanceof ApiError) return { code: e.code, name: e.name, message: e.message };
  if (e instanceof Error) return { name: e.name, message: e.message, ...(e.stack !== undefined ? { stack: e.stack } : {}) };
  return { name: 'Error', message: String(e) };
}

/** An ApiError again (its status from the table), or an Error for the 5xx path and the log. */
export function decodeError(e: EncodedError): Error {
  if (e.code !== undefined && e.code in ERRORS) {
    const api = new ApiError(e.code);
    api.message = e.message;
    return api;
  }
  const err = new Error(e.message);
  err.name = e.name;
  if (e.stack !== undefined) err.stack = e.stack;
  return err;
}
