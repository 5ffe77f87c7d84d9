// Tests for `ssc3 benefit …` (terminal-sim/cli/benefit-command.ts): settle, park may-buy /
// may-enter and policies, JSON from --json and from stdin, one line of JSON out equal to the
// engine's decision, exit 1 for a refused park decision, and every invalid request as one line
// `ssc3: <field>: <problem>` with exit 2.
//
// The program is main.ts's buildProgram(); until main.ts registers the benefit group, the test
// registers it on that program itself (and stops doing so once main.ts does).
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { settleClaim } from '../../engine/rules/medical/index.js';
import { mayBuy, mayEnter } from '../../engine/rules/park/index.js';
import { registerBenefitCommand } from '../../terminal-sim/cli/benefit-command.js';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliContext, type CliIo } from '../../terminal-sim/cli/io.js';
import { buildProgram } from '../../terminal-sim/cli/main.js';

interface Result {
  code: number;
  out: string;
  err: string;
}

async function cli(argv: string[], stdin = ''): Promise<Result> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (s) => void (out += s), stderr: (s) => void (err += s), readStdin: async () => new TextEncoder().encode(stdin) };
  const ctx: CliContext = { io, exitCode: EXIT_OK };
  const program = buildProgram(ctx);
  if (!program.commands.some((c) => c.name() === 'benefit')) registerBenefitCommand(program, ctx);
  let code: number;
  try {
    await program.parseAsync(argv, { from: 'user' });
    code = ctx.exitCode;
  } catch (e) {
    // As main.ts's report(): commander has written its own line; a CliError is one line here.
    if (e instanceof CommanderError) code = e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    else if (e instanceof CliError) {
      io.stderr(`ssc3: ${e.message.replace(/\s*\n\s*/g, ' ')}\n`);
      code = e.exitCode;
    } else throw e;
  }
  return { code, out, err };
}

function oneLine(r: Result): unknown {
  expect(r.out).toMatch(/^[^\n]+\n$/);
  return JSON.parse(r.out);
}

function expectOneLineError(r: Result, message: string | RegExp): void {
  expect(r.code).toBe(EXIT_USAGE);
  expect(r.out).toBe('');
  expect(r.err).toMatch(/^ssc3: [^\n]+\n$/);
  expect(r.err).not.toMatch(/\bat .*:\d+:\d+/);
  if (typeof message === 'string') expect(r.err).toBe(`ssc3: ${message}\n`);
  else expect(r.err).toMatch(message);
}

const CLAIM = {
  person: { category: 'employee', age: 40 },
  visit: { kind: 'outpatient', hospitalTier: 'tier3', date: '2024-09-02' },
  items: [{ class: 'A', amountFen: 250_000 }],
  personalAccountBalanceFen: 50_000,
};
const BUY = { person: { birthDate: '1985-06-15', residency: 'beijing' }, proofs: ['id-card'], at: '2025-12-20T10:00:00+08:00' };
const PASS = { productId: 'bj-park-pass-2026', year: 2026, validFrom: '2026-01-01', validTo: '2027-01-31', status: 'active', eligibilityClass: 'beijing-resident' };
const ENTER = { pass: PASS, park: 'summer-palace', at: '2026-05-01T09:00:00+08:00', entriesToday: 0 };

describe('ssc3 benefit settle', () => {
  it('settles a claim given with --json: one line, the engine’s settlement, labelled sample data', async () => {
    const r = await cli(['benefit', 'settle', '--json', JSON.stringify(CLAIM)]);
    expect(r).toMatchObject({ code: 0, err: '' });
    const s = oneLine(r);
    expect(s).toEqual(settleClaim(CLAIM as never));
    expect(s).toMatchObject({ totalFen: 250_000, fundPaysFen: 49_000, personalAccountFen: 50_000, cashFen: 151_000, sampleData: true, policy: 'bj-employee-sample-2024-08' });
  });

  it('reads the claim from stdin when --json is absent', async () => {
    const r = await cli(['benefit', 'settle'], JSON.stringify(CLAIM, null, 2) + '\n');
    expect(r.code).toBe(0);
    expect(oneLine(r)).toEqual(settleClaim(CLAIM as never));
  });

  it.each<[string, string[], string, string | RegExp]>([
    ['a field error', ['--json', JSON.stringify({ ...CLAIM, visit: { ...CLAIM.visit, date: '2019-05-01' } })], '', 'visit.date: no policy table in force on 2019-05-01 (the tables cover 2022-01-01 on)'],
    ['a nested field error', ['--json', JSON.stringify({ ...CLAIM, items: [{ class: 'A', amountFen: -5 }] })], '', 'items[0].amountFen: expected 0 to 100000000000, got -5'],
    ['an unknown field', ['--json', JSON.stringify({ ...CLAIM, extra: 1 })], '', /^ssc3: extra: unknown field \(expected one of person, visit, /],
    ['a request that is not an object', ['--json', '[1,2]'], '', 'request: expected an object, got an array'],
    ['invalid JSON in --json', ['--json', '{"person":'], '', /^ssc3: --json: invalid JSON \(/],
    ['invalid JSON on stdin', [], 'not json', /^ssc3: stdin: invalid JSON \(/],
    ['an empty stdin', [], '  \n', "stdin: expected a JSON request (give --json '{…}' or pipe one in)"],
    ['an unknown option', ['--yaml', 'x'], '', /^ssc3: unknown option '--yaml'/],
    ['--json without its value', ['--json'], '', /^ssc3: option '--json <request>' argument missing/],
  ])('%s → one line, exit 2', async (_n, args, stdin, message) => {
    expectOneLineError(await cli(['benefit', 'settle', ...args], stdin), message);
  });

  it('refuses stdin that is not UTF-8', async () => {
    let err = '';
    const io: CliIo = { stdout: () => undefined, stderr: (s) => void (err += s), readStdin: async () => new Uint8Array([0x7b, 0xff, 0x7d]) };
    const ctx: CliContext = { io, exitCode: EXIT_OK };
    const program = buildProgram(ctx);
    if (!program.commands.some((c) => c.name() === 'benefit')) registerBenefitCommand(program, ctx);
    await expect(program.parseAsync(['benefit', 'settle'], { from: 'user' })).rejects.toThrow(new CliError('stdin: expected UTF-8 text'));
    expect(err).toBe('');
  });
});

describe('ssc3 benefit park', () => {
  it('may-buy: allowed → the decision, exit 0', async () => {
    const r = await cli(['benefit', 'park', 'may-buy', '--json', JSON.stringify(BUY)]);
    expect(r).toMatchObject({ code: EXIT_OK, err: '' });
    expect(oneLine(r)).toEqual(mayBuy(BUY as never));
    expect(oneLine(r)).toMatchObject({ allowed: true, priceFen: 10_000 });
  });

  it('may-buy: refused → the decision on stdout, exit 1', async () => {
    const req = { ...BUY, at: '2026-03-01' };
    const r = await cli(['benefit', 'park', 'may-buy'], JSON.stringify(req));
    expect(r).toMatchObject({ code: EXIT_FAILURE, err: '' });
    expect(oneLine(r)).toMatchObject({ allowed: false, reason: 'no-product-on-sale', priceFen: 0 });
  });

  it('may-enter: allowed, refused, senior free entry', async () => {
    const ok = await cli(['benefit', 'park', 'may-enter', '--json', JSON.stringify(ENTER)]);
    expect(ok.code).toBe(0);
    expect(oneLine(ok)).toEqual(mayEnter(ENTER as never));
    const limit = await cli(['benefit', 'park', 'may-enter', '--json', JSON.stringify({ ...ENTER, entriesToday: 1 })]);
    expect(limit.code).toBe(EXIT_FAILURE);
    expect(oneLine(limit)).toMatchObject({ allowed: false, reason: 'daily-limit-reached' });
    const senior = await cli(['benefit', 'park', 'may-enter'], JSON.stringify({ park: 'temple-of-heaven', at: '2026-05-01', entriesToday: 0, person: { birthDate: '1950-01-01', residency: 'beijing' } }));
    expect(senior.code).toBe(0);
    expect(oneLine(senior)).toMatchObject({ allowed: true, reason: 'senior-free-entry', countsAsEntry: false });
  });

  it.each<[string, string[], string]>([
    ['may-buy', ['--json', JSON.stringify({ ...BUY, person: { ...BUY.person, residency: 'mars' } })], 'person.residency: expected one of beijing, beijing-permit, other, got "mars"'],
    ['may-buy', ['--json', JSON.stringify({ ...BUY, productId: 'bj-park-pass-1999' })], 'productId: unknown product "bj-park-pass-1999" (known: bj-park-pass-2025, bj-park-pass-2026)'],
    ['may-enter', ['--json', JSON.stringify({ ...ENTER, pass: { ...PASS, validFrom: 'soon' } })], 'pass.validFrom: expected a date YYYY-MM-DD, got "soon"'],
    ['may-enter', ['--json', JSON.stringify({ park: 'summer-palace', at: '2026-05-01', entriesToday: 0 })], 'pass: required when no person is given (nothing to decide on)'],
  ])('%s: an invalid request → one line naming the field, exit 2', async (sub, args, message) => {
    expectOneLineError(await cli(['benefit', 'park', sub, ...args]), message);
  });

  it('an unknown park subcommand is a usage error', async () => {
    const r = await cli(['benefit', 'park', 'may-fly']);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err).toMatch(/^ssc3: unknown command 'may-fly'/);
  });
});

describe('ssc3 benefit policies', () => {
  it('lists every table and the park data without --date', async () => {
    const r = await cli(['benefit', 'policies']);
    expect(r.code).toBe(0);
    const l = oneLine(r) as { medical: { id: string; sampleData: boolean }[]; park: { version: string; products: unknown[] } };
    expect(l.medical.map((p) => p.id)).toEqual(['bj-employee-sample-2022', 'bj-employee-sample-2023', 'bj-employee-sample-2024-08']);
    expect(l.medical.every((p) => p.sampleData)).toBe(true);
    expect(l.park.version).toBe('bj-park-2026.1');
    expect(l.park.products).toHaveLength(2);
  });

  it.each([
    ['2022-06-01', ['bj-employee-sample-2022'], []],
    ['2024-08-01', ['bj-employee-sample-2024-08'], []],
    ['2025-08-01', ['bj-employee-sample-2024-08'], ['bj-park-pass-2025:valid']],
    ['2026-01-10', ['bj-employee-sample-2024-08'], ['bj-park-pass-2025:valid', 'bj-park-pass-2026:on-sale:valid']],
    ['2025-12-20', ['bj-employee-sample-2024-08'], ['bj-park-pass-2025:valid', 'bj-park-pass-2026:on-sale']],
    ['2021-01-01', [], []],
  ])('--date %s: the tables in force', async (date, medical, park) => {
    const r = await cli(['benefit', 'policies', '--date', date]);
    expect(r.code).toBe(0);
    const l = oneLine(r) as { date: string; medical: { id: string }[]; park: { products: { id: string; onSale: boolean; valid: boolean }[] } };
    expect(l.date).toBe(date);
    expect(l.medical.map((p) => p.id)).toEqual(medical);
    expect(l.park.products.map((p) => [p.id, p.onSale ? 'on-sale' : '', p.valid ? 'valid' : ''].filter(Boolean).join(':'))).toEqual(park);
  });

  it.each(['2024-02-30', '20240801', 'today'])('--date %s → one line, exit 2', async (date) => {
    expectOneLineError(await cli(['benefit', 'policies', '--date', date]), `--date: expected a date YYYY-MM-DD, got "${date}"`);
  });
});
