// Tests for engine/rules/time.ts: civil-date arithmetic against Date.UTC, the strict ISO 8601
// parser (accepted and refused forms) and the conversion to Beijing local time from any offset.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { beijingIso, civilFromDays, daysFromCivil, epochMsOf, parseHhmm, parseIsoDate, parseOffsetDateTime, weekdayOfDays } from '../../engine/rules/time.js';

describe('civil dates', () => {
  it('days_from_civil / civil_from_days agree with Date.UTC over 1600–2400', () => {
    fc.assert(
      fc.property(fc.integer({ min: daysFromCivil(1600, 1, 1), max: daysFromCivil(2400, 12, 31) }), (days) => {
        const [y, m, d] = civilFromDays(days);
        expect(daysFromCivil(y, m, d)).toBe(days);
        const dt = new Date(days * 86400000);
        expect([dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate(), dt.getUTCDay()]).toEqual([y, m, d, weekdayOfDays(days)]);
      }),
      { numRuns: 3000 },
    );
  });

  it('parses strict dates only', () => {
    expect(parseIsoDate('2024-02-29')).toEqual({ y: 2024, m: 2, d: 29 });
    for (const bad of ['2023-02-29', '2024-13-01', '2024-1-01', '2024/01/01', '0000-01-01', 20240101, '2024-01-01T00:00']) expect(parseIsoDate(bad)).toBeUndefined();
  });

  it('parses hh:mm', () => {
    expect([parseHhmm('07:00'), parseHhmm('00:00'), parseHhmm('23:59')]).toEqual([420, 0, 1439]);
    for (const bad of ['7:00', '24:00', '07:60', '0700']) expect(parseHhmm(bad)).toBeUndefined();
  });
});

describe('parseOffsetDateTime', () => {
  // [input, Beijing local ISO]
  const OK: [string, string][] = [
    ['2024-03-05T06:55:00+08:00', '2024-03-05T06:55:00+08:00'],
    ['2024-03-05T06:55+08:00', '2024-03-05T06:55:00+08:00'],
    ['2024-03-04T22:55:00Z', '2024-03-05T06:55:00+08:00'],
    ['2024-03-04T22:55:00.123456z', '2024-03-05T06:55:00+08:00'],
    ['2024-03-04T17:55:00-05:00', '2024-03-05T06:55:00+08:00'],
    ['2024-03-05T07:55:00+0900', '2024-03-05T06:55:00+08:00'],
    ['2024-03-05T00:25:00+02', '2024-03-05T06:25:00+08:00'],
    ['2024-12-31T16:00:00Z', '2025-01-01T00:00:00+08:00'],
    ['2024-02-28T20:00:00-08:00', '2024-02-29T12:00:00+08:00'],
  ];
  it.each(OK)('%s → %s', (input, want) => {
    const t = parseOffsetDateTime(input)!;
    expect(beijingIso(t)).toBe(want);
    // Date.parse reads every form here but the hour-only offset (+02).
    const ms = Date.parse(input.replace(/([+-]\d\d)$/, '$1:00'));
    expect(epochMsOf(t)).toBe(ms);
  });

  it.each([
    '2024-03-05T06:55:00', // no offset
    '2024-03-05 06:55:00+08:00',
    '2024-03-05T24:00:00+08:00',
    '2024-03-05T06:60:00+08:00',
    '2024-03-05T06:55:60+08:00',
    '2024-02-30T06:55:00+08:00',
    '2024-03-05T06:55:00+8:00',
    '2024-03-05T06:55:00+08:0',
    '2024-03-05T06:55:00.+08:00',
    '2024-03-05T06:55:00Zjunk',
    '2024-03-05',
    '',
  ])('refuses %j', (input) => {
    expect(parseOffsetDateTime(input)).toBeUndefined();
  });

  it('agrees with Date.parse on random instants and offsets', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2100, 0, 1) / 1000 }), fc.integer({ min: -12 * 4, max: 14 * 4 }), (sec, q) => {
        const off = q * 15;
        const local = new Date((sec + off * 60) * 1000).toISOString().slice(0, 19);
        const sign = off < 0 ? '-' : '+';
        const a = Math.abs(off);
        const s = `${local}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
        const t = parseOffsetDateTime(s)!;
        expect(epochMsOf(t)).toBe(sec * 1000);
        const bj = new Date((sec + 8 * 3600) * 1000);
        expect([t.y, t.m, t.d, t.secOfDay]).toEqual([bj.getUTCFullYear(), bj.getUTCMonth() + 1, bj.getUTCDate(), bj.getUTCHours() * 3600 + bj.getUTCMinutes() * 60 + bj.getUTCSeconds()]);
      }),
      { numRuns: 2000 },
    );
  });
});
