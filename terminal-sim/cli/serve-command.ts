/**
 * `ssc3 serve [--host 127.0.0.1] [--port 7777] [--data DIR | --memory] [--vpcd HOST:PORT]
 * [--token T] [--demo] [--calendar FILE] [--max-open-cards N] [--single-thread]`: the simulator as an HTTP service
 * (issue 5). Binds 127.0.0.1 unless told otherwise; with `--demo` issues demo cards and
 * terminals on first start and prints copy-paste examples; with `--vpcd` it is also the card side
 * of vsmartcard's vpcd (PC/SC slots 0 and 1, the demo card in slot 0); `--calendar` adds
 * working-day years to the fares' calendar (calendar-file.ts), and a start within 60 days of its
 * end says so; `--max-open-cards` bounds the cards kept in memory (CardService). Runs until
 * SIGINT / SIGTERM, then closes the server and the store.
 */
import { Option } from 'commander';
import type { WorkdayCalendar } from '../../engine/rules/index.js';
import { DEFAULT_MAX_OPEN_CARDS } from '../server/card-service.js';
import { startServer } from '../server/serve.js';
import { calendarOf } from '../server/service-messages.js';
import type { CalendarOverlay } from '../server/service-messages.js';
import type { RunningServer } from '../server/serve.js';
import { calendarWarning, readCalendar } from './calendar-file.js';
import { CliError, type RegisterCommand } from './io.js';

interface ServeCliOptions {
  host: string;
  port: string;
  data?: string;
  memory?: boolean;
  token?: string;
  demo?: boolean;
  vpcd?: string;
  calendar?: string;
  maxOpenCards?: string;
  singleThread?: boolean;
}

/** `HOST:PORT` (IPv6 in brackets) of `--vpcd`. @throws CliError */
export function parseVpcd(text: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65534) throw new CliError(`--vpcd expected HOST:PORT (vpcd's first port, usually 127.0.0.1:35963), got ${JSON.stringify(text)}`);
  return { host: m[1] ?? m[2], port };
}

/** `--max-open-cards`: a positive integer. @throws CliError */
export function parseMaxOpenCards(text: string): number {
  const n = Number(text);
  if (!/^\d{1,9}$/.test(text) || n < 1) throw new CliError(`--max-open-cards expected a positive integer, got ${JSON.stringify(text)}`);
  return n;
}

export const registerServeCommand: RegisterCommand = (program, ctx) => {
  program
    .command('serve')
    .description('run the simulator as an HTTP service (cards, APDUs, faults; OpenAPI at /documentation)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'TCP port', '7777')
    .addOption(new Option('--data <dir>', 'folder of the SQLite card store (default ./ssc3-data)').conflicts('memory'))
    .option('--memory', 'keep cards in memory only (a throwaway run)')
    .option('--token <token>', 'require "Authorization: Bearer <token>" on every route but /healthz')
    .option('--demo', 'issue demo cards and terminals on first start and print examples')
    .option('--vpcd <host:port>', "be the card side of vsmartcard's vpcd: PC/SC slots 0 and 1 on port and port+1 (usually 127.0.0.1:35963)")
    .option('--calendar <file>', 'working days for years chinese-days does not cover, in the shared format (laid over it)')
    .option('--single-thread', 'run the cards, terminals and store in the HTTP thread instead of a service thread of their own (slower under load; for profiling)')
    .option('--max-open-cards <n>', `cards kept in memory at most; the least recently used beyond it are closed (their state is stored) (default ${DEFAULT_MAX_OPEN_CARDS})`)
    .action(async (o: ServeCliOptions) => {
      const port = Number(o.port);
      if (!/^\d{1,5}$/.test(o.port) || port > 65535) throw new CliError(`--port expected 0..65535, got ${JSON.stringify(o.port)}`);
      const vpcd = o.vpcd !== undefined ? parseVpcd(o.vpcd) : undefined;
      const maxOpenCards = o.maxOpenCards !== undefined ? parseMaxOpenCards(o.maxOpenCards) : undefined;
      const { calendar, overlay }: { calendar: WorkdayCalendar; overlay?: CalendarOverlay } = o.calendar !== undefined ? readCalendar(o.calendar) : { calendar: calendarOf(undefined) };
      const say = (s: string) => ctx.io.stdout(s + '\n');
      let server;
      let stopServer: (() => void) | undefined;
      try {
        server = await startServer({
          host: o.host,
          port,
          ...(o.data !== undefined ? { dataDir: o.data } : {}),
          memory: o.memory === true,
          ...(o.token !== undefined ? { token: o.token } : {}),
          demo: o.demo === true,
          ...(vpcd ? { vpcd } : {}),
          ...(overlay ? { calendar: overlay } : {}),
          ...(maxOpenCards !== undefined ? { maxOpenCards } : {}),
          thread: o.singleThread !== true,
          // The cards are gone with their thread: stop, so a supervisor can start the server again.
          onServiceExit: (e) => {
            ctx.io.stderr(`serve: ${e.message}; stopping\n`);
            process.exitCode = 1;
            stopServer?.();
          },
          // Connection changes only (no APDU data); retries while pcscd is down are not news.
          onReaderEvent: (slot, e) => {
            if (e.type === 'connected' || e.type === 'disconnected') ctx.io.stderr(`reader slot ${slot}: ${e.type}${e.type === 'disconnected' ? ` (${e.reason})` : ''}\n`);
          },
        });
      } catch (e) {
        throw new CliError(`serve: ${(e as Error).message}`, 1);
      }
      say(`ssc3 simulator listening on ${server.url} (${o.memory ? 'memory store' : `SQLite in ${o.data ?? 'ssc3-data'}`}); OpenAPI at ${server.url}/documentation`);
      for (const line of startupNotes(server, { auth: o.token !== undefined ? ` -H 'Authorization: Bearer ${o.token}'` : '', vpcd })) say(line);
      const warning = calendarWarning(calendar, Date.now());
      if (warning) ctx.io.stderr(warning + '\n');
      await new Promise<void>((resolve) => {
        const stop = () => void server.close().then(resolve, resolve);
        stopServer = stop;
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
};

/** What `serve` prints after it starts: the demo cards and terminals and examples to paste. */
export function startupNotes(server: RunningServer, o: { auth: string; vpcd: { host: string; port: number } | undefined }): string[] {
  const out: string[] = [];
  for (const c of server.demoCards) out.push(`  demo card      ${c.id}  ${c.profile} ${c.algorithm}`);
  for (const t of server.demoTerminals) out.push(`  demo terminal  ${t.id.padEnd(22)}  ${t.what}`);
  const cards = server.known.cardIds;
  const first = server.insertedCard ?? server.demoCards[0]?.id ?? cards[0];
  if (!first) return out;
  const json = `-H 'content-type: application/json'`;
  const u = server.url;
  out.push('Try:');
  out.push(`  curl -s${o.auth} ${u}/v1/cards`);
  const terminals = new Set(server.known.terminalIds);
  if (!server.insertedCard) {
    out.push(`  curl -s${o.auth} ${json} -d '{"apdu":"00a4040008a000000632010105"}' ${u}/v1/cards/${first}/apdu`);
    out.push(`  curl -s${o.auth} ${json} -d '{"apdu":"805c000204"}' ${u}/v1/cards/${first}/apdu`);
  }
  const tapCard = server.insertedCard ? (server.demoCards.find((c) => c.id !== server.insertedCard)?.id ?? cards.find((c) => c !== server.insertedCard) ?? first) : first;
  if (terminals.has('gate-entry') && terminals.has('gate-exit')) {
    out.push(`  curl -s${o.auth} ${json} -d '{"cardId":"${tapCard}"}' ${u}/v1/terminals/gate-entry/taps`);
    out.push(`  curl -s${o.auth} ${json} -d '{"cardId":"${tapCard}"}' ${u}/v1/terminals/gate-exit/taps`);
  }
  if (terminals.has('topup-1')) out.push(`  curl -s${o.auth} ${json} -d '{"cardId":"${tapCard}","amountFen":2000}' ${u}/v1/terminals/topup-1/loads`);
  out.push(`  curl -s${o.auth} '${u}/v1/journal?cardId=${tapCard}'`);
  if (server.insertedCard && o.vpcd) {
    out.push(`PC/SC: card ${server.insertedCard} is in slot 0 (reader "Virtual PCD 00 00", vpcd at ${o.vpcd.host}:${o.vpcd.port}):`);
    out.push(`  opensc-tool -r 'Virtual PCD 00 00' -c default -s 00A4040008A000000632010105 -s 00B0950000`);
    out.push(`  curl -s${o.auth} -X POST ${u}/v1/readers/0/remove`);
  } else if (!o.vpcd) {
    out.push('PC/SC: start with --vpcd 127.0.0.1:35963 next to pcscd + vsmartcard-vpcd (README "Real PC/SC readers").');
  }
  return out;
}
