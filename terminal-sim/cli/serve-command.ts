/**
 * `ssc3 serve [--host 127.0.0.1] [--port 7777] [--data DIR | --memory] [--token T] [--demo]`:
 * the simulator as an HTTP service (issue 5). Binds 127.0.0.1 unless told otherwise; with
 * `--demo` issues demo cards on first start and prints copy-paste examples. Runs until SIGINT /
 * SIGTERM, then closes the server and the store.
 */
import { Option } from 'commander';
import { startServer } from '../server/serve.js';
import { CliError, type RegisterCommand } from './io.js';

interface ServeCliOptions {
  host: string;
  port: string;
  data?: string;
  memory?: boolean;
  token?: string;
  demo?: boolean;
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
    .option('--demo', 'issue demo cards on first start and print examples')
    .action(async (o: ServeCliOptions) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port expected 0..65535, got ${JSON.stringify(o.port)}`);
      let server;
      try {
        server = await startServer({ host: o.host, port, ...(o.data !== undefined ? { dataDir: o.data } : {}), memory: o.memory === true, ...(o.token !== undefined ? { token: o.token } : {}), demo: o.demo === true });
      } catch (e) {
        throw new CliError(`serve: ${(e as Error).message}`, 1);
      }
      const say = (s: string) => ctx.io.stdout(s + '\n');
      say(`ssc3 simulator listening on ${server.url} (${o.memory ? 'memory store' : `SQLite in ${o.data ?? 'ssc3-data'}`}); OpenAPI at ${server.url}/documentation`);
      const auth = o.token !== undefined ? ` -H 'Authorization: Bearer ${o.token}'` : '';
      for (const c of server.demoCards) say(`  demo card ${c.id}  ${c.profile} ${c.algorithm}`);
      const first = server.demoCards[0]?.id ?? server.store.listCards()[0]?.id;
      if (first) {
        say('Try:');
        say(`  curl -s${auth} ${server.url}/v1/cards`);
        say(`  curl -s${auth} -H 'content-type: application/json' -d '{"apdu":"00a4040008a000000632010105"}' ${server.url}/v1/cards/${first}/apdu`);
        say(`  curl -s${auth} -H 'content-type: application/json' -d '{"apdu":"805c000204"}' ${server.url}/v1/cards/${first}/apdu`);
      }
      await new Promise<void>((resolve) => {
        const stop = () => void server.close().then(resolve, resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
};
