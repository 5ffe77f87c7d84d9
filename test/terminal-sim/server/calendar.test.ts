// The working-day calendar behind the terminals' fares: an early-morning exit in a year the
// shipped calendar (chinese-days) does not cover is refused with fare-error rather than guessed;
// with that year supplied (`calendar`, what `ssc3 serve --calendar FILE` builds) it is priced,
// off-peak included. And the warning `serve` prints when the calendar is about to end.
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { chineseDaysCalendar, jsonWorkdayCalendar } from '../../../engine/rules/index.js';
import { calendarWarning } from '../../../terminal-sim/cli/calendar-file.js';
import { runCli } from '../../support/run-cli.js';
import { makeApp } from './helpers.js';

let app: FastifyInstance;
afterEach(async () => {
  await app?.close();
});

/** Made-up test data, not the State Council's 2027 schedule. */
const CAL_2027 = chineseDaysCalendar().overlaidWith(jsonWorkdayCalendar({ years: { '2027': { holidays: [{ date: '2027-01-01' }], makeupWorkdays: [] } } }, 'test-2027'));

async function morningTrip(day: string) {
  const post = async (url: string, payload: Record<string, unknown>) => {
    const res = await app.inject({ method: 'POST', url, payload });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json() as Record<string, unknown>;
  };
  const card = await post('/v1/cards', { seed: 7, balanceFen: 5000 });
  const entry = await post('/v1/terminals', { kind: 'gate', direction: 'entry' });
  const exit = await post('/v1/terminals', { kind: 'gate', direction: 'exit' });
  await post(`/v1/terminals/${String(entry.id)}/taps`, { cardId: card.id, at: `${day}T06:30:00+08:00` });
  return post(`/v1/terminals/${String(exit.id)}/taps`, { cardId: card.id, at: `${day}T06:50:00+08:00` });
}

describe('terminals and the working-day calendar', () => {
  it('refuse an off-peak exit on a day the calendar does not cover', async () => {
    ({ app } = await makeApp());
    const out = await morningTrip('2027-01-04');
    expect(out).toMatchObject({ outcome: 'refused', reason: 'fare-error' });
    expect(String(out.detail)).toMatch(/does not cover 2027-01-04/);
  });

  it('price it once the year is supplied: off-peak on a working Monday', async () => {
    ({ app } = await makeApp({ calendar: CAL_2027 }));
    const out = await morningTrip('2027-01-04');
    expect(out).toMatchObject({ outcome: 'exited', fareFen: 250, baseFareFen: 500 });
    expect((out.steps as { rule: string }[]).map((s) => s.rule)).toContain('off-peak');
  });
});

describe('ssc3 serve --calendar', () => {
  it('refuses a file it cannot read before starting: one line, exit 2', async () => {
    const { code, out, err } = await runCli(['serve', '--memory', '--port', '0', '--calendar', '/nonexistent/workdays.json']);
    expect([code, out]).toEqual([2, '']);
    expect(err).toMatch(/^ssc3: --calendar: cannot read "\/nonexistent\/workdays.json" as JSON \(ENOENT\)\n$/);
  });
});

describe('calendarWarning', () => {
  const cal = chineseDaysCalendar(); // ends 2026-12-31
  const at = (iso: string) => Date.parse(iso);

  it('says nothing while the calendar has more than 60 days left', () => {
    expect(calendarWarning(cal, at('2026-10-31T12:00:00+08:00'))).toBeUndefined();
  });

  it('counts the days left on the Beijing date, and says how to supply the next year', () => {
    const w = calendarWarning(cal, at('2026-11-27T06:00:00+08:00'));
    expect(w).toMatch(/chinese-days 1\.5\.7\) ends on 2026-12-31 \(in 34 days\)/);
    expect(w).toMatch(/--calendar FILE/);
    expect(w).toMatch(/no holidays \(then Monday to Friday are working days/);
    // 23:30 UTC on the 26th is already the 27th in Beijing
    expect(calendarWarning(cal, at('2026-11-26T23:30:00Z'))).toBe(w);
  });

  it('says when it has ended, and goes quiet for a calendar that reaches further', () => {
    expect(calendarWarning(cal, at('2027-01-02T08:00:00+08:00'))).toMatch(/ended on 2026-12-31/);
    expect(calendarWarning(CAL_2027, at('2026-11-27T08:00:00+08:00'))).toBeUndefined();
  });
});
