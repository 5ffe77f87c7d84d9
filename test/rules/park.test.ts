// Table tests for the park annual pass rules (engine/rules/park/, DOMAIN.md §6): the shipped data
// (16 parks, the 2026 product, confidence labels), every rule of mayBuy and mayEnter on both
// sides of its boundary, the dated products (a 2025 pass met in January 2026), the senior rule,
// request errors naming the field, and the data checker.
import { describe, expect, it } from 'vitest';
import {
  checkParkData,
  mayBuy,
  mayEnter,
  PARK_DATA,
  PARK_PASS_2026,
  ParkRequestError,
  type BuyDecision,
  type BuyRequest,
  type EnterDecision,
  type EnterRequest,
  type ParkData,
  type PassRecord,
} from '../../engine/rules/park/index.js';

const RESIDENT = { birthDate: '1985-06-15', residency: 'beijing' } as const;
const SENIOR = { birthDate: '1960-03-01', residency: 'beijing' } as const;

const buy = (over: Partial<BuyRequest> = {}, data?: ParkData): BuyDecision =>
  mayBuy({ person: RESIDENT, proofs: ['id-card'], at: '2025-12-20T10:00:00+08:00', ...over }, data);

const PASS_2026: PassRecord = {
  productId: 'bj-park-pass-2026',
  year: 2026,
  validFrom: '2026-01-01',
  validTo: '2027-01-31',
  status: 'active',
  eligibilityClass: 'beijing-resident',
};
const PASS_2025: PassRecord = { ...PASS_2026, productId: 'bj-park-pass-2025', year: 2025, validFrom: '2025-01-01', validTo: '2026-01-31' };

const enter = (over: Partial<EnterRequest> = {}, data?: ParkData): EnterDecision =>
  mayEnter({ pass: PASS_2026, park: 'summer-palace', at: '2026-05-01T09:00:00+08:00', entriesToday: 0, ...over }, data);

function requestError(f: () => unknown): ParkRequestError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ParkRequestError);
    return e as ParkRequestError;
  }
  throw new Error('expected a ParkRequestError');
}

describe('park data (DOMAIN.md §6)', () => {
  it('is consistent', () => {
    expect(checkParkData(PARK_DATA)).toBe(PARK_DATA);
  });

  it('has 16 parks: 11 municipal [S] and 5 district, of which 大观园 [S] and four [U]', () => {
    expect(PARK_DATA.parks).toHaveLength(16);
    const municipal = PARK_DATA.parks.filter((p) => p.kind === 'municipal');
    expect(municipal).toHaveLength(11);
    expect(municipal.every((p) => p.confidence === 'S')).toBe(true);
    expect(municipal.map((p) => p.name.zh)).toEqual(
      expect.arrayContaining(['颐和园', '天坛公园', '中山公园', '北海公园', '景山公园', '香山公园', '紫竹院公园', '陶然亭公园', '玉渊潭公园', '北京植物园', '北京动物园']),
    );
    const district = PARK_DATA.parks.filter((p) => p.kind === 'district');
    expect(district).toHaveLength(5);
    expect(district.find((p) => p.name.zh === '北京大观园')?.confidence).toBe('S');
    expect(district.filter((p) => p.confidence === 'U')).toHaveLength(4);
  });

  it('sells the 2026 pass at 100 yuan, 15 Dec – 15 Jan, valid 1 Jan 2026 – 31 Jan 2027, all 16 parks [S]', () => {
    expect(PARK_PASS_2026).toMatchObject({
      priceFen: 10_000,
      year: 2026,
      sale: { from: '2025-12-15', to: '2026-01-15' },
      validity: { from: '2026-01-01', to: '2027-01-31' },
      confidence: 'S',
    });
    expect(PARK_PASS_2026.coverage.map((c) => c.parkId).sort()).toEqual(PARK_DATA.parks.map((p) => p.id).sort());
    expect(PARK_PASS_2026.coverage.every((c) => c.maxEntriesPerDay === 1 && c.confidence === 'U')).toBe(true);
  });

  it('labels every eligibility class [P] or [U] and the senior rule [S]', () => {
    for (const c of PARK_DATA.eligibilityClasses) expect(['P', 'U']).toContain(c.confidence);
    expect(PARK_DATA.seniorFreeEntry[0]).toMatchObject({ minAge: 60, parkKinds: ['municipal'], confidence: 'S' });
  });

  it.each<[string, (d: ParkData) => ParkData, RegExp]>([
    ['a duplicate park', (d) => ({ ...d, parks: [...d.parks, d.parks[0]] }), /parks: duplicate id "summer-palace"/],
    ['an undefined class', (d) => ({ ...d, products: [{ ...PARK_PASS_2026, eligibilityClasses: ['nobody'] }] }), /class "nobody" is not defined/],
    ['an unknown park in coverage', (d) => ({ ...d, products: [{ ...PARK_PASS_2026, coverage: [{ parkId: 'atlantis', maxEntriesPerDay: 1, confidence: 'U' }] }] }), /park "atlantis" is not in the registry/],
    ['a backwards sale window', (d) => ({ ...d, products: [{ ...PARK_PASS_2026, sale: { from: '2026-01-15', to: '2025-12-15' } }] }), /sale: runs backwards/],
    ['a fractional price', (d) => ({ ...d, products: [{ ...PARK_PASS_2026, priceFen: 99.5 }] }), /priceFen: expected a non-negative integer/],
    ['a bad date', (d) => ({ ...d, products: [{ ...PARK_PASS_2026, validity: { from: '2026-02-30', to: '2027-01-31' } }] }), /validity.from: expected a date/],
    ['a zero daily limit', (d) => ({ ...d, products: [{ ...PARK_PASS_2026, coverage: [{ parkId: 'summer-palace', maxEntriesPerDay: 0, confidence: 'U' }] }] }), /maxEntriesPerDay: expected a positive integer or null/],
  ])('the checker refuses %s', (_name, mutate, message) => {
    expect(() => checkParkData(mutate(PARK_DATA))).toThrow(message);
  });
});

describe('mayBuy', () => {
  it('sells the 2026 pass to a Beijing resident showing an ID card', () => {
    const d = buy();
    expect(d).toMatchObject({ allowed: true, reason: 'eligible', refusals: [], priceFen: 10_000, eligibilityClass: 'beijing-resident', data: 'bj-park-2026.1' });
    expect(d.product).toEqual({ id: 'bj-park-pass-2026', name: PARK_PASS_2026.name, year: 2026, validFrom: '2026-01-01', validTo: '2027-01-31' });
    expect(d.steps.map((s) => s.rule)).toEqual(['product', 'sale-window', 'age', 'class:beijing-resident', 'price']);
    expect(d.steps.every((s) => s.note.length > 0 && s.noteZh.length > 0)).toBe(true);
  });

  it.each([
    ['2025-12-15', true],
    ['2026-01-15', true],
    ['2025-12-14', false],
    ['2026-01-16', false],
    // Beijing dates from UTC instants: 16:00Z is midnight in Beijing.
    ['2025-12-14T16:00:00Z', true],
    ['2025-12-14T15:59:59Z', false],
    ['2026-01-15T15:59:59Z', true],
    ['2026-01-15T16:00:00Z', false],
    ['2026-01-15T23:59:00+08:00', true],
    ['2026-01-15T10:00:00-06:00', false],
  ])('sale window, default product: at %s → allowed %s', (at, allowed) => {
    const d = buy({ at });
    expect(d.allowed).toBe(allowed);
    if (!allowed) {
      expect(d).toMatchObject({ reason: 'no-product-on-sale', priceFen: 0 });
      expect(d.product).toBeUndefined();
      expect(d.steps.at(-1)).toMatchObject({ rule: 'product', outcome: 'fail' });
    }
  });

  it('names the next sale when none is open', () => {
    const d = buy({ at: '2024-11-01' });
    expect(d.reason).toBe('no-product-on-sale');
    expect(d.steps[0].note).toContain('The next sale opens on 2024-12-15 (bj-park-pass-2025)');
  });

  it('picks the dated product on sale: the 2025 pass in December 2024', () => {
    expect(buy({ at: '2024-12-20' }).product?.id).toBe('bj-park-pass-2025');
  });

  it('refuses a named product outside its sale window, and still checks the proof', () => {
    const d = buy({ productId: 'bj-park-pass-2026', at: '2026-03-01', proofs: [] });
    expect(d).toMatchObject({ allowed: false, reason: 'sale-window-closed', refusals: ['sale-window-closed', 'proof-missing'], priceFen: 0 });
    expect(d.product?.id).toBe('bj-park-pass-2026');
    expect(d.steps.filter((s) => s.outcome === 'fail').map((s) => s.rule)).toEqual(['sale-window', 'eligibility']);
  });

  it.each([
    [{ residency: 'beijing' }, ['household-register'], 'beijing-resident'],
    [{ residency: 'beijing-permit' }, ['residence-permit'], 'residence-permit-holder'],
    [{ residency: 'beijing-permit' }, ['social-security-card', 'id-card'], 'insured-in-beijing'],
    [{ residency: 'other' }, ['id-card', 'social-security-card'], 'insured-in-beijing'],
  ] as const)('class by residency and proof: %o showing %o → %s', (p, proofs, cls) => {
    const d = buy({ person: { ...RESIDENT, ...p }, proofs: [...proofs] });
    expect(d).toMatchObject({ allowed: true, eligibilityClass: cls, priceFen: 10_000 });
  });

  it.each([
    [{ residency: 'beijing' }, ['residence-permit'], 'beijing-resident: id-card or household-register'],
    [{ residency: 'other' }, ['id-card'], 'insured-in-beijing: social-security-card + id-card'],
    [{ residency: 'beijing-permit' }, [], 'residence-permit-holder: residence-permit; insured-in-beijing: social-security-card + id-card'],
  ] as const)('proof missing: %o showing %o names what to show', (p, proofs, need) => {
    const d = buy({ person: { ...RESIDENT, ...p }, proofs: [...proofs] });
    expect(d).toMatchObject({ allowed: false, reason: 'proof-missing', priceFen: 0 });
    expect(d.steps.at(-1)).toMatchObject({ rule: 'eligibility', outcome: 'fail' });
    expect(d.steps.at(-1)!.note).toBe(`Proof missing: show ${need}.`);
  });

  it('refuses a person no class admits (data with residents only), and an age-bounded class', () => {
    const residentsOnly: ParkData = { ...PARK_DATA, products: [{ ...PARK_PASS_2026, eligibilityClasses: ['beijing-resident'] }] };
    expect(buy({ person: { ...RESIDENT, residency: 'other' }, proofs: ['id-card'] }, residentsOnly)).toMatchObject({ allowed: false, reason: 'not-eligible' });
    const students: ParkData = {
      ...PARK_DATA,
      eligibilityClasses: [{ id: 'student', name: { en: 'Student', zh: '学生' }, residencies: ['beijing'], proofs: [['student-card']], maxAge: 24, confidence: 'U' }],
      products: [{ ...PARK_PASS_2026, eligibilityClasses: ['student'] }],
    };
    expect(buy({ person: { birthDate: '2005-01-01', residency: 'beijing' }, proofs: ['student-card'] }, students)).toMatchObject({ allowed: true, eligibilityClass: 'student' });
    expect(buy({ person: { birthDate: '1990-01-01', residency: 'beijing' }, proofs: ['student-card'] }, students)).toMatchObject({ allowed: false, reason: 'not-eligible' });
  });

  it('tells a senior buyer that municipal parks are free anyway', () => {
    const d = buy({ person: SENIOR });
    expect(d.allowed).toBe(true);
    expect(d.steps.find((s) => s.rule === 'senior-free-entry')).toMatchObject({ outcome: 'info' });
    expect(buy().steps.some((s) => s.rule === 'senior-free-entry')).toBe(false);
  });

  it.each<[string, unknown, string]>([
    ['productId', { productId: 'bj-park-pass-1999' }, 'productId: unknown product "bj-park-pass-1999" (known: bj-park-pass-2025, bj-park-pass-2026)'],
    ['person.birthDate', { person: { birthDate: '1985-02-30', residency: 'beijing' } }, 'person.birthDate: expected a date YYYY-MM-DD, got "1985-02-30"'],
    ['person.birthDate', { person: { birthDate: '2030-01-01', residency: 'beijing' } }, 'person.birthDate: is after the request date 2025-12-20'],
    ['person.residency', { person: { birthDate: '1985-01-01', residency: 'shanghai' } }, 'person.residency: expected one of beijing, beijing-permit, other, got "shanghai"'],
    ['person.name', { person: { ...RESIDENT, name: 'x' } }, 'person.name: unknown field (expected one of birthDate, residency)'],
    ['proofs[1]', { proofs: ['id-card', 'passport'] }, 'proofs[1]: expected one of id-card, household-register, residence-permit, social-security-card, student-card, got "passport"'],
    ['proofs', { proofs: 'id-card' }, 'proofs: expected an array, got "id-card"'],
    ['at', { at: '2025-12-20T10:00:00' }, 'at: expected a date YYYY-MM-DD or a date-time with offset (2026-01-10T09:30:00+08:00), got "2025-12-20T10:00:00"'],
    ['at', { at: 20251220 }, 'at: expected a string, got number 20251220'],
  ])('request error on %s', (field, over, message) => {
    const e = requestError(() => buy(over as Partial<BuyRequest>));
    expect(e.field).toBe(field);
    expect(e.message).toBe(message);
  });

  it('refuses a request that is not an object', () => {
    expect(requestError(() => mayBuy(null as unknown as BuyRequest)).message).toBe('request: expected an object, got null');
  });
});

describe('mayEnter', () => {
  it('admits a valid pass at a covered park and asks the gate to log the entry', () => {
    const d = enter();
    expect(d).toMatchObject({ allowed: true, reason: 'pass-valid', countsAsEntry: true, product: 'bj-park-pass-2026', data: 'bj-park-2026.1' });
    expect(d.steps.map((s) => s.rule)).toEqual(['park', 'pass-status', 'pass-record', 'validity', 'coverage', 'daily-limit']);
    expect(d.steps.every((s) => s.outcome !== 'fail')).toBe(true);
  });

  it.each<[string, Partial<EnterRequest>, EnterDecision['reason'], string]>([
    ['blocked', { pass: { ...PASS_2026, status: 'blocked' } }, 'pass-blocked', 'pass-status'],
    ['an unknown product', { pass: { ...PASS_2026, productId: 'bj-park-pass-2031' } }, 'product-unknown', 'product'],
    ['a record of another year', { pass: { ...PASS_2026, year: 2025 } }, 'pass-record-mismatch', 'pass-record'],
    ['a class not sold under the product', { pass: { ...PASS_2026, eligibilityClass: 'tourist' } }, 'pass-record-mismatch', 'pass-record'],
    ['validity beyond the product', { pass: { ...PASS_2026, validTo: '2027-12-31' } }, 'pass-record-mismatch', 'pass-record'],
    ['validity running backwards', { pass: { ...PASS_2026, validFrom: '2026-06-01', validTo: '2026-05-01' } }, 'pass-record-mismatch', 'pass-record'],
    ['a pass bought in December, before 1 January', { at: '2025-12-31T23:59:00+08:00' }, 'pass-not-yet-valid', 'validity'],
    ['the day after 31 January of the following year', { at: '2027-02-01' }, 'pass-expired', 'validity'],
    ['a park outside the pass', { park: 'old-summer-palace' }, 'park-not-covered', 'coverage'],
    ['the second entry of the day', { entriesToday: 1 }, 'daily-limit-reached', 'daily-limit'],
    ['no pass and no senior', { pass: undefined, person: RESIDENT }, 'no-pass', 'pass'],
  ])('refuses %s', (_name, over, reason, rule) => {
    const d = enter(over);
    expect(d).toMatchObject({ allowed: false, reason, countsAsEntry: false });
    expect(d.steps.at(-1)).toMatchObject({ rule, outcome: 'fail' });
    expect(d.steps.filter((s) => s.outcome === 'fail')).toHaveLength(1);
  });

  it.each([
    ['2026-01-01', true],
    ['2027-01-31', true],
    ['2027-01-31T15:59:59Z', true],
    ['2027-01-31T16:00:00Z', false],
  ])('validity boundary %s → %s', (at, allowed) => {
    expect(enter({ at }).allowed).toBe(allowed);
  });

  it('admits a 2025 pass in January 2026 and refuses it in February (dated products)', () => {
    expect(enter({ pass: PASS_2025, at: '2026-01-20' })).toMatchObject({ allowed: true, product: 'bj-park-pass-2025' });
    expect(enter({ pass: PASS_2025, at: '2026-02-01' })).toMatchObject({ allowed: false, reason: 'pass-expired' });
  });

  it('reads the daily limit from the data (null: no limit)', () => {
    const unlimited: ParkData = { ...PARK_DATA, products: [{ ...PARK_PASS_2026, coverage: PARK_PASS_2026.coverage.map((c) => ({ ...c, maxEntriesPerDay: null })) }] };
    expect(enter({ entriesToday: 7 }, unlimited)).toMatchObject({ allowed: true });
    const twice: ParkData = { ...PARK_DATA, products: [{ ...PARK_PASS_2026, coverage: PARK_PASS_2026.coverage.map((c) => ({ ...c, maxEntriesPerDay: 2 })) }] };
    expect(enter({ entriesToday: 1 }, twice).allowed).toBe(true);
    expect(enter({ entriesToday: 2 }, twice).reason).toBe('daily-limit-reached');
  });

  it('refuses a park the data registers but the product leaves out', () => {
    const fewer: ParkData = { ...PARK_DATA, products: [{ ...PARK_PASS_2026, coverage: PARK_PASS_2026.coverage.filter((c) => c.parkId !== 'beijing-zoo') }] };
    const d = enter({ park: 'beijing-zoo' }, fewer);
    expect(d.reason).toBe('park-not-covered');
    expect(d.steps.at(-1)!.noteZh).toContain('北京动物园');
  });

  describe('senior free entry [S]: Beijing residents 60+ at municipal parks, no pass needed', () => {
    it('admits a senior without a pass and logs nothing on a pass', () => {
      const d = enter({ pass: undefined, person: SENIOR });
      expect(d).toMatchObject({ allowed: true, reason: 'senior-free-entry', countsAsEntry: false });
      expect(d.steps.at(-1)).toMatchObject({ rule: 'senior-free-entry', outcome: 'pass' });
    });

    it('prefers free entry over the pass, even past the daily limit or with a blocked pass', () => {
      expect(enter({ person: SENIOR, entriesToday: 3 }).reason).toBe('senior-free-entry');
      expect(enter({ person: SENIOR, pass: { ...PASS_2026, status: 'blocked' } }).reason).toBe('senior-free-entry');
    });

    it.each([
      ['the day before the 60th birthday', '2020-02-29', false],
      ['the 60th birthday', '2020-03-01', true],
    ])('%s', (_n, at, free) => {
      expect(enter({ pass: undefined, person: SENIOR, at }).reason).toBe(free ? 'senior-free-entry' : 'no-pass');
    });

    it('does not cover district parks: the pass is used there', () => {
      expect(enter({ person: SENIOR, park: 'grand-view-garden' })).toMatchObject({ reason: 'pass-valid', countsAsEntry: true });
      expect(enter({ pass: undefined, person: SENIOR, park: 'grand-view-garden' }).reason).toBe('no-pass');
    });

    it('is for Beijing residents only ([U] for residence-permit holders)', () => {
      expect(enter({ pass: undefined, person: { ...SENIOR, residency: 'beijing-permit' } }).reason).toBe('no-pass');
    });

    it('counts age from a 29 February birthday on 1 March in common years', () => {
      const leap = { birthDate: '1964-02-29', residency: 'beijing' } as const;
      expect(enter({ pass: undefined, person: leap, at: '2024-02-28' }).reason).toBe('no-pass');
      expect(enter({ pass: undefined, person: leap, at: '2024-02-29' }).reason).toBe('senior-free-entry');
      // 60 years after a leap day is always a leap day; a rule from 61 shows the common year.
      const from61: ParkData = { ...PARK_DATA, seniorFreeEntry: PARK_DATA.seniorFreeEntry.map((r) => ({ ...r, minAge: 61 })) };
      expect(enter({ pass: undefined, person: leap, at: '2025-02-28' }, from61).reason).toBe('no-pass');
      expect(enter({ pass: undefined, person: leap, at: '2025-03-01' }, from61).reason).toBe('senior-free-entry');
    });

    it('follows the dates of the rule', () => {
      const ended: ParkData = { ...PARK_DATA, seniorFreeEntry: PARK_DATA.seniorFreeEntry.map((r) => ({ ...r, effectiveTo: '2025-12-31' })) };
      expect(enter({ pass: undefined, person: SENIOR, at: '2025-12-31' }, ended).reason).toBe('senior-free-entry');
      const d = enter({ pass: undefined, person: SENIOR, at: '2026-01-01' }, ended);
      expect(d.reason).toBe('no-pass');
      expect(d.steps.find((s) => s.rule === 'senior-free-entry')?.note).toBe('No senior free-entry rule is in force on 2026-01-01.');
    });
  });

  it.each<[string, Partial<EnterRequest> | Record<string, unknown>, string]>([
    ['pass', { pass: undefined, person: undefined }, 'pass: required when no person is given (nothing to decide on)'],
    ['entriesToday', { entriesToday: -1 }, 'entriesToday: expected 0 to 10000, got -1'],
    ['entriesToday', { entriesToday: 1.5 }, 'entriesToday: expected an integer, got number 1.5'],
    ['park', { park: '颐和园' }, 'park: expected an id of lower-case letters, digits and dashes, got "颐和园"'],
    ['pass.status', { pass: { ...PASS_2026, status: 'lost' } }, 'pass.status: expected one of active, blocked, got "lost"'],
    ['pass.validTo', { pass: { ...PASS_2026, validTo: '2027-1-31' } }, 'pass.validTo: expected a date YYYY-MM-DD, got "2027-1-31"'],
    ['gate', { gate: 3 }, 'gate: unknown field (expected one of pass, park, at, entriesToday, person)'],
    ['person.birthDate', { person: { birthDate: '2027-01-01', residency: 'beijing' } }, 'person.birthDate: is after the request date 2026-05-01'],
  ])('request error on %s', (field, over, message) => {
    const e = requestError(() => enter(over as Partial<EnterRequest>));
    expect(e.field).toBe(field);
    expect(e.message).toBe(message);
  });
});
