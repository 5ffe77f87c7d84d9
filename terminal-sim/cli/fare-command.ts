/**
 * `ssc3 fare …`: the Beijing fare engine of engine/rules/ on the command line. JSON in (`--json
 * '{…}'` or standard input), one line of JSON out.
 *
 *   quote [--network FILE] [--calendar FILE] [--no-explain]
 *                                            a trip → the decision (fare, base fare, steps, month, tariff)
 *   tariffs [--date D]                       the tariff documents in force on D (default: all shipped)
 *
 * The request is the shape, e.g.
 *   {"mode":"subway","cardType":"standard","entry":{"station":"土桥","at":"2024-03-05T06:55:00+08:00"},
 *    "exit":{"station":"国贸","at":"2024-03-05T07:40:00+08:00"},"month":{"spentFen":9800,"rides":30}}
 * Without --network, stations are looked up in the shipped sample network; `distanceKm` overrides
 * the network distance. Invalid requests: one line naming the field, exit 2.
 */
import { CalendarCoverageError, FareRequestError, NetworkDataError, NoRouteError, UnknownStationError, defaultFareContext, listTariffs, loadNetwork, quoteFare, shippedTariffs } from '../../engine/rules/index.js';
import type { SubwayNetwork } from '../../engine/rules/index.js';
import { readCalendarFile } from './calendar-file.js';
import { CliError, type RegisterCommand } from './io.js';
import { dateOption, jsonOption, print, readJsonFile, readRequest, type JsonOpts } from './json-io.js';

interface QuoteOpts extends JsonOpts {
  network?: string;
  calendar?: string;
  explain: boolean;
}

function readNetwork(path: string): SubwayNetwork {
  const json = readJsonFile('network', path);
  try {
    return loadNetwork(json, { name: path });
  } catch (e) {
    if (e instanceof NetworkDataError) throw new CliError(`--network: ${e.message}`);
    throw e;
  }
}

/** The engine's request errors name the field: they become one-line usage errors. */
function asUsage(e: unknown): never {
  if (e instanceof FareRequestError || e instanceof CalendarCoverageError || e instanceof UnknownStationError || e instanceof NoRouteError) throw new CliError(e.message);
  throw e;
}

export const registerFareCommand: RegisterCommand = (program, ctx) => {
  const fare = program.command('fare').description("Beijing transit fares (市政交通一卡通 rules as dated data): JSON in, JSON out");

  jsonOption(fare.command('quote').description('quote a subway or bus trip: fare, base fare, every rule applied, month accumulators, tariff'), 'trip')
    .option('--network <file>', 'a subway network file in the shared format (default: the shipped sample network)')
    .option('--calendar <file>', "working days for years chinese-days does not cover, in the shared format (laid over it)")
    .option('--no-explain', 'omit the steps (what gates use)')
    .action(async (o: QuoteOpts) => {
      const req = await readRequest(ctx, o);
      const context = defaultFareContext({
        ...(o.network !== undefined ? { network: readNetwork(o.network) } : {}),
        ...(o.calendar !== undefined ? { calendar: readCalendarFile(o.calendar) } : {}),
      });
      try {
        print(ctx, quoteFare(req, context, { explain: o.explain }));
      } catch (e) {
        asUsage(e);
      }
    });

  fare
    .command('tariffs')
    .description('the tariff documents in force on a date (all shipped ones without --date)')
    .option('--date <date>', 'YYYY-MM-DD')
    .action((o: { date?: string }) => {
      try {
        print(ctx, o.date === undefined ? shippedTariffs().docs : listTariffs(dateOption(o.date)));
      } catch (e) {
        asUsage(e);
      }
    });
};
