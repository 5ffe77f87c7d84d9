/**
 * `ssc3 benefit …`: the benefit rules of engine/rules/ on the command line. JSON in (`--json
 * '{…}'` or standard input), one line of JSON out.
 *
 *   settle              a medical claim → the settlement (fund / personal account / cash, steps)
 *   park may-buy        may this person buy a park pass now → the decision
 *   park may-enter      may this pass (or this senior) enter this park now → the decision
 *   policies [--date D] the medical tables and park products in force on D (all without --date)
 *
 * Exit codes (io.ts): 0 a settlement, an allowed decision, a listing; 1 a refused park decision
 * (the decision is still printed on stdout); 2 an invalid request: one line on stderr,
 * `ssc3: <field>: <problem>`. The medical numbers are UNCONFIRMED SAMPLE DATA and every
 * settlement says so (`sampleData`, `notice`).
 */
import { ClaimRequestError, MEDICAL_POLICIES, policyOn, settleClaim, type Claim } from '../../engine/rules/medical/index.js';
import { mayBuy, mayEnter, PARK_DATA, ParkRequestError, type BuyRequest, type EnterRequest } from '../../engine/rules/park/index.js';
import { CliError, EXIT_FAILURE, type RegisterCommand } from './io.js';
import { dateOption, jsonOption, print, readRequest, type JsonOpts } from './json-io.js';

/** Runs a rule; its request errors (which name the field) become usage errors. */
function decide<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ParkRequestError || e instanceof ClaimRequestError) throw new CliError(e.message);
    throw e;
  }
}

/** Registers `benefit` and its subcommands on `program`. */
export const registerBenefitCommand: RegisterCommand = (program, ctx) => {
  const benefit = program
    .command('benefit')
    .description('benefit rules: medical settlement (UNCONFIRMED SAMPLE DATA) and the park annual pass; JSON in, JSON out');

  jsonOption(benefit.command('settle').description('settle a medical claim: fund, personal account and cash, with every step'), 'claim').action(async (o: JsonOpts) => {
    const req = await readRequest(ctx, o);
    print(ctx, decide(() => settleClaim(req as Claim)));
  });

  const park = benefit.command('park').description('park annual pass (公园年票) decisions');
  jsonOption(park.command('may-buy').description('may this person buy a park pass now (exit 1 when refused)'), 'request').action(async (o: JsonOpts) => {
    const req = await readRequest(ctx, o);
    const d = decide(() => mayBuy(req as BuyRequest));
    print(ctx, d);
    if (!d.allowed) ctx.exitCode = EXIT_FAILURE;
  });
  jsonOption(park.command('may-enter').description('may this pass (or this senior) enter this park now (exit 1 when refused)'), 'request').action(async (o: JsonOpts) => {
    const req = await readRequest(ctx, o);
    const d = decide(() => mayEnter(req as EnterRequest));
    print(ctx, d);
    if (!d.allowed) ctx.exitCode = EXIT_FAILURE;
  });

  benefit
    .command('policies')
    .description('the medical policy tables and park pass products in force on --date (all of them without it)')
    .option('--date <YYYY-MM-DD>', 'a Beijing date')
    .action((o: { date?: string }) => {
      if (o.date === undefined) {
        print(ctx, { medical: MEDICAL_POLICIES, park: PARK_DATA });
        return;
      }
      const day = dateOption(o.date);
      const medical = policyOn(day, MEDICAL_POLICIES);
      const onSaleOrValid = PARK_DATA.products.filter((p) => (p.sale.from <= day && day <= p.sale.to) || (p.validity.from <= day && day <= p.validity.to));
      print(ctx, {
        date: day,
        medical: medical === undefined ? [] : [medical],
        park: {
          version: PARK_DATA.version,
          products: onSaleOrValid.map((p) => ({ ...p, onSale: p.sale.from <= day && day <= p.sale.to, valid: p.validity.from <= day && day <= p.validity.to })),
          seniorFreeEntry: PARK_DATA.seniorFreeEntry.filter((r) => r.effectiveFrom <= day && (r.effectiveTo === null || day <= r.effectiveTo)),
        },
      });
    });
};
