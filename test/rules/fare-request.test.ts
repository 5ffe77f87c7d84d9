// Request validation: every field, each refusal a FareRequestError whose message names the field.
import { describe, expect, it } from 'vitest';
import { FareRequestError } from '../../engine/rules/errors.js';
import { defaultFareContext } from '../../engine/rules/fare-context.js';
import { quoteFare } from '../../engine/rules/fare-quote.js';
import { parseFareRequest } from '../../engine/rules/fare-request.js';

const ok = {
  mode: 'subway',
  cardType: 'standard',
  entry: { station: '土桥', at: '2024-03-05T06:55:00+08:00' },
  exit: { station: '国贸', at: '2024-03-05T07:40:00+08:00' },
  distanceKm: 17.2,
  month: { spentFen: 9800, rides: 30 },
};
type Req = { [k: string]: unknown; entry: Record<string, unknown>; exit?: Record<string, unknown>; month?: Record<string, unknown> };
const edit = (f: (r: Req) => void, base: object = ok): Req => {
  const r = JSON.parse(JSON.stringify(base)) as Req;
  f(r);
  return r;
};
const bus = edit((r) => {
  r.mode = 'bus';
  delete r.exit;
});

describe('fare request validation', () => {
  it('accepts the issue example', () => {
    expect(parseFareRequest(ok).distanceM).toBe(17200);
  });

  it.each([
    ['request', [], '"request" must be a JSON object, got an array'],
    ['distanceKM', edit((r) => (r.distanceKM = 3)), '"distanceKM" is not a field of a fare request (allowed here: mode, cardType, holderAge, entry, exit, distanceKm, outsideCityKm, month)'],
    ['mode', edit((r) => (r.mode = 'train')), '"mode" must be "subway" or "bus", got "train"'],
    ['cardType', edit((r) => delete r.cardType), '"cardType" must be one of "standard", "student", "senior", got nothing'],
    ['holderAge', edit((r) => (r.holderAge = 65.5)), '"holderAge" must be a whole number of years in [0, 150], got 65.5'],
    ['entry', edit((r) => (r.entry = 'x' as never)), '"entry" must be an object { station, at }, got "x"'],
    ['entry.station', edit((r) => (r.entry.station = ' ')), '"entry.station" must be a non-empty string, got " "'],
    ['entry.at', edit((r) => (r.entry.at = '2024-03-05 06:55')), '"entry.at" is not an ISO 8601 date-time with offset (e.g. 2024-03-05T06:55:00+08:00): "2024-03-05 06:55"'],
    ['entry.at no offset', edit((r) => (r.entry.at = '2024-03-05T06:55:00')), '"entry.at" is not an ISO 8601 date-time with offset'],
    ['entry.gate', edit((r) => (r.entry.gate = 3)), '"entry.gate" is not a field of a fare request (allowed here: station, at, line)'],
    ['entry.line', edit((r) => (r.entry.line = 1)), '"entry.line" must be a non-empty string, got 1'],
    ['exit missing', edit((r) => delete r.exit), '"exit" is required for a subway trip (the fare is charged at the exit gate)'],
    ['exit.at', edit((r) => (r.exit!.at = 17)), '"exit.at" is not an ISO 8601 date-time with offset (e.g. 2024-03-05T06:55:00+08:00): 17'],
    ['exit before entry', edit((r) => (r.exit!.at = '2024-03-05T06:54:59+08:00')), '"exit.at" is before "entry.at" (2024-03-05T06:54:59+08:00 < 2024-03-05T06:55:00+08:00)'],
    ['distanceKm', edit((r) => (r.distanceKm = -1)), '"distanceKm" must be a number of km in [0, 10000], got -1'],
    ['distanceKm NaN', edit((r) => (r.distanceKm = '17')), '"distanceKm" must be a number of km in [0, 10000], got "17"'],
    ['outsideCityKm subway', edit((r) => (r.outsideCityKm = 1)), '"outsideCityKm" is only for bus trips'],
    ['bus distance', edit((r) => delete r.distanceKm, bus), '"distanceKm" is required for a bus trip'],
    ['bus outside', edit((r) => (r.outsideCityKm = 20), bus), '"outsideCityKm" (20) exceeds "distanceKm" (17.2)'],
    ['month', edit((r) => delete r.month), '"month" must be an object { spentFen, rides }, got nothing'],
    ['month.spentFen', edit((r) => (r.month!.spentFen = 98.5)), '"month.spentFen" must be a whole number of fen in [0, 4294967295], got 98.5'],
    ['month.rides', edit((r) => (r.month!.rides = -1)), '"month.rides" must be a whole number ≥ 0, got -1'],
    ['month.period', edit((r) => (r.month!.period = '2024-3')), '"month.period" must be a month YYYY-MM, got "2024-3"'],
    ['month.extra', edit((r) => (r.month!.yyyymm = '202403')), '"month.yyyymm" is not a field of a fare request (allowed here: spentFen, rides, period)'],
  ])('%s', (field, req, message) => {
    let err: unknown;
    try {
      quoteFare(req, defaultFareContext());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FareRequestError);
    expect((err as FareRequestError).message).toContain(message);
    expect((err as FareRequestError).field).toBe(message.slice(1, message.indexOf('"', 1)));
    expect(field.length).toBeGreaterThan(0);
  });

  it('accepts a known field set to undefined (a JavaScript caller\'s optional field)', () => {
    expect(parseFareRequest({ ...ok, holderAge: undefined, month: { ...ok.month, period: undefined } }).holderAge).toBe(-1);
  });

  it('takes a bus ride with exit null as a missing tap-off', () => {
    expect(quoteFare({ ...bus, exit: null }, defaultFareContext()).missingTapOff).toBe(true);
  });
});
