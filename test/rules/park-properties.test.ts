// Property tests (fast-check) of the park pass decisions: over generated requests (dates around
// the sale and validity windows, every residency, proof set, park, pass status and record),
// decisions are deterministic, JSON-clean, explain themselves (non-empty bilingual steps, the data
// version), and every refusal names its reason in a failing step; the price is the product's when
// allowed and 0 otherwise; the daily limit and the senior rule behave as data says.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  mayBuy,
  mayEnter,
  PARK_DATA,
  PASS_STATUSES,
  PROOF_KINDS,
  RESIDENCIES,
  type BuyRequest,
  type EnterRequest,
  type PassRecord,
} from '../../engine/rules/park/index.js';

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Beijing dates from 2024-10-01 to 2027-03-31: every window of both products and around them. */
const day = fc.integer({ min: Date.UTC(2024, 9, 1) / DAY_MS, max: Date.UTC(2027, 2, 31) / DAY_MS }).map((d) => iso(d * DAY_MS));
/** The same instant written three ways; all must give the same Beijing date. */
const at = fc.oneof(
  day,
  fc.tuple(day, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([d, h, m]) => `${d}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00+08:00`),
  fc.integer({ min: Date.UTC(2024, 9, 1), max: Date.UTC(2027, 2, 31) }).map((ms) => new Date(ms).toISOString()),
);
const person = fc.record({
  birthDate: fc.integer({ min: Date.UTC(1930, 0, 1) / DAY_MS, max: Date.UTC(2010, 0, 1) / DAY_MS }).map((d) => iso(d * DAY_MS)),
  residency: fc.constantFrom(...RESIDENCIES),
});
const proofs = fc.uniqueArray(fc.constantFrom(...PROOF_KINDS), { maxLength: PROOF_KINDS.length });
const productId = fc.option(fc.constantFrom(...PARK_DATA.products.map((p) => p.id)), { nil: undefined });

const buyRequest: fc.Arbitrary<BuyRequest> = fc.record({ person, proofs, at, productId }).map((r) => {
  const out: BuyRequest = { person: r.person, proofs: r.proofs, at: r.at };
  if (r.productId !== undefined) out.productId = r.productId;
  return out;
});

const passRecord: fc.Arbitrary<PassRecord> = fc
  .record({
    product: fc.constantFrom(...PARK_DATA.products, { ...PARK_DATA.products[0], id: 'bj-park-pass-2099', year: 2099 }),
    status: fc.constantFrom(...PASS_STATUSES),
    cls: fc.constantFrom('beijing-resident', 'residence-permit-holder', 'insured-in-beijing', 'tourist'),
    yearSkew: fc.constantFrom(0, 0, 0, -1),
  })
  .map(({ product, status, cls, yearSkew }) => ({
    productId: product.id,
    year: product.year + yearSkew,
    validFrom: product.validity.from,
    validTo: product.validity.to,
    status,
    eligibilityClass: cls,
  }));
const park = fc.constantFrom(...PARK_DATA.parks.map((p) => p.id), 'old-summer-palace', 'ritan-park');

const enterRequest: fc.Arbitrary<EnterRequest> = fc
  .record({
    pass: fc.option(passRecord, { nil: undefined }),
    person: fc.option(person, { nil: undefined }),
    park,
    at,
    entriesToday: fc.integer({ min: 0, max: 3 }),
  })
  .filter((r) => r.pass !== undefined || r.person !== undefined)
  .map((r) => {
    const out: EnterRequest = { park: r.park, at: r.at, entriesToday: r.entriesToday };
    if (r.pass !== undefined) out.pass = r.pass;
    if (r.person !== undefined) out.person = r.person;
    return out;
  });

/** The Beijing date of `a`, computed independently of the engine (Date.parse reads the offset). */
const beijingDay = (a: string): string => (a.length === 10 ? a : iso(Date.parse(a) + 8 * 3_600_000));

/** Birth dates after the request date are request errors; the properties are about decisions. */
const decidable = (birthDate: string | undefined, a: string): boolean => birthDate === undefined || birthDate <= beijingDay(a);

const RUNS = { numRuns: 2000 };

describe('mayBuy properties', () => {
  it('is deterministic, JSON-clean and explains itself; every refusal has its failing step', () => {
    fc.assert(
      fc.property(buyRequest, (req) => {
        fc.pre(decidable(req.person.birthDate, req.at));
        const d = mayBuy(req);
        expect(mayBuy(structuredClone(req))).toEqual(d);
        expect(JSON.parse(JSON.stringify(d))).toEqual(d);
        expect(d.data).toBe(PARK_DATA.version);
        expect(d.steps.length).toBeGreaterThan(0);
        for (const s of d.steps) {
          expect(s.rule).not.toBe('');
          expect(s.note).not.toBe('');
          expect(s.noteZh).not.toBe('');
        }
        const fails = d.steps.filter((s) => s.outcome === 'fail');
        if (d.allowed) {
          expect(d.reason).toBe('eligible');
          expect(d.refusals).toEqual([]);
          expect(fails).toEqual([]);
          const product = PARK_DATA.products.find((p) => p.id === d.product?.id)!;
          expect(d.priceFen).toBe(product.priceFen);
          expect(product.eligibilityClasses).toContain(d.eligibilityClass);
        } else {
          expect(d.priceFen).toBe(0);
          expect(d.refusals.length).toBeGreaterThan(0);
          expect(d.reason).toBe(d.refusals[0]);
          expect(fails).toHaveLength(d.refusals.length);
          const ruleOf = { 'no-product-on-sale': 'product', 'sale-window-closed': 'sale-window', 'proof-missing': 'eligibility', 'not-eligible': 'eligibility' } as const;
          expect(fails.map((s) => s.rule)).toEqual(d.refusals.map((r) => ruleOf[r]));
        }
      }),
      RUNS,
    );
  });

  it('allows exactly when a product is on sale and a class admits the person with the proof shown', () => {
    fc.assert(
      fc.property(buyRequest, (req) => {
        fc.pre(decidable(req.person.birthDate, req.at));
        const d = mayBuy(req);
        const withAllProofs = mayBuy({ ...req, proofs: [...PROOF_KINDS] });
        // Showing more documents never turns an allowed sale into a refusal.
        if (d.allowed) expect(withAllProofs.allowed).toBe(true);
        // With every document shown, only the window or the residency can refuse.
        expect(withAllProofs.refusals).not.toContain('proof-missing');
      }),
      RUNS,
    );
  });
});

describe('mayEnter properties', () => {
  it('is deterministic, JSON-clean and explains itself; a refusal ends on its one failing step', () => {
    fc.assert(
      fc.property(enterRequest, (req) => {
        fc.pre(decidable(req.person?.birthDate, req.at));
        const d = mayEnter(req);
        expect(mayEnter(structuredClone(req))).toEqual(d);
        expect(JSON.parse(JSON.stringify(d))).toEqual(d);
        expect(d.data).toBe(PARK_DATA.version);
        expect(d.steps.length).toBeGreaterThan(0);
        for (const s of d.steps) expect(s.note.length * s.noteZh.length).toBeGreaterThan(0);
        const fails = d.steps.filter((s) => s.outcome === 'fail');
        if (d.allowed) {
          expect(['pass-valid', 'senior-free-entry']).toContain(d.reason);
          expect(fails).toEqual([]);
          expect(d.countsAsEntry).toBe(d.reason === 'pass-valid');
          expect(d.steps.at(-1)!.outcome).toBe('pass');
        } else {
          expect(d.countsAsEntry).toBe(false);
          expect(fails).toHaveLength(1);
          expect(d.steps.at(-1)).toBe(fails[0]);
        }
      }),
      RUNS,
    );
  });

  it('admits a pass only at a covered park, within its validity, under the daily limit', () => {
    fc.assert(
      fc.property(enterRequest, (req) => {
        fc.pre(decidable(req.person?.birthDate, req.at));
        const d = mayEnter(req);
        if (d.reason !== 'pass-valid') return;
        const pass = req.pass!;
        const product = PARK_DATA.products.find((p) => p.id === pass.productId)!;
        const cover = product.coverage.find((c) => c.parkId === req.park)!;
        expect(cover).toBeDefined();
        expect(pass.status).toBe('active');
        expect(cover.maxEntriesPerDay === null || req.entriesToday < cover.maxEntriesPerDay).toBe(true);
        // One more entry than the limit allows is refused, and nothing else changes.
        if (cover.maxEntriesPerDay !== null) expect(mayEnter({ ...req, entriesToday: cover.maxEntriesPerDay }).reason).toBe('daily-limit-reached');
      }),
      RUNS,
    );
  });

  it('free entry is exactly: resident, 60+, municipal park — whatever the pass', () => {
    fc.assert(
      fc.property(enterRequest, (req) => {
        fc.pre(decidable(req.person?.birthDate, req.at));
        const d = mayEnter(req);
        const p = req.person;
        const dayStr = beijingDay(req.at);
        const kind = PARK_DATA.parks.find((k) => k.id === req.park)?.kind;
        let expected = false;
        if (p !== undefined) {
          const [by, bm, bd] = p.birthDate.split('-').map(Number);
          const [y, m, dd] = dayStr.split('-').map(Number);
          const age = y - by - (m < bm || (m === bm && dd < bd) ? 1 : 0);
          expected = age >= 60 && p.residency === 'beijing' && kind === 'municipal';
        }
        expect(d.reason === 'senior-free-entry').toBe(expected);
      }),
      RUNS,
    );
  });
});
