// Builders for fare requests in the tests: a subway or bus trip from a few fields.
import type { FareRequest } from '../../engine/rules/fare-request.js';

export interface TripOpts {
  entry?: string;
  exit?: string;
  /** Local Beijing `YYYY-MM-DD`. */
  date?: string;
  /** Local `hh:mm[:ss]` of the entry. */
  at?: string;
  /** Minutes in the paid area. */
  minutes?: number;
  km?: number;
  spent?: number;
  rides?: number;
  card?: FareRequest['cardType'];
  age?: number;
  entryLine?: string;
  exitLine?: string;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** `date` + `hh:mm[:ss]` + minutes → ISO with +08:00 (minutes may carry into the next day). */
export function bj(date: string, hhmmss: string, plusMinutes = 0): string {
  const [h, m, s = '0'] = hhmmss.split(':');
  const t = Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10), +h, +m, +s) + plusMinutes * 60000;
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+08:00`;
}

export function subwayTrip(o: TripOpts = {}): FareRequest {
  const date = o.date ?? '2024-03-05';
  const at = o.at ?? '08:30';
  const r: FareRequest = {
    mode: 'subway',
    cardType: o.card ?? 'standard',
    entry: { station: o.entry ?? '土桥', at: bj(date, at) },
    exit: { station: o.exit ?? '国贸', at: bj(date, at, o.minutes ?? 45) },
    month: { spentFen: o.spent ?? 0, rides: o.rides ?? 0 },
  };
  if (o.km !== undefined) r.distanceKm = o.km;
  if (o.age !== undefined) r.holderAge = o.age;
  if (o.entryLine !== undefined) r.entry.line = o.entryLine;
  if (o.exitLine !== undefined) r.exit!.line = o.exitLine;
  return r;
}

export function busTrip(o: { km: number; outside?: number; card?: FareRequest['cardType']; age?: number; noTapOff?: boolean; spent?: number; rides?: number; date?: string }): FareRequest {
  const date = o.date ?? '2024-03-05';
  const r: FareRequest = {
    mode: 'bus',
    cardType: o.card ?? 'standard',
    entry: { station: '西直门', at: bj(date, '08:00') },
    distanceKm: o.km,
    month: { spentFen: o.spent ?? 0, rides: o.rides ?? 0 },
  };
  if (!o.noTapOff) r.exit = { station: '颐和园', at: bj(date, '08:40') };
  if (o.outside !== undefined) r.outsideCityKm = o.outside;
  if (o.age !== undefined) r.holderAge = o.age;
  return r;
}
