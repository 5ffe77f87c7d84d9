// Both HTTP load generators (runHttpLoad on autocannon, runLeanHttpLoad on node:net) against a
// tiny local server: the warm-up and the timed part share the connections, and only the timed
// part counts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apduCase, runHttpLoad, type PooledCard } from '../../bench/lib/http-load.js';
import { runLeanHttpLoad } from '../../bench/lib/lean-http-load.js';

let server: Server;
let url = '';
let requests = 0;
const connections = new Set<unknown>();

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end('{"response":"","sw":"9000"}');
    });
  });
  server.on('connection', (socket) => connections.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe.each([
  ['runHttpLoad (autocannon)', runHttpLoad],
  ['runLeanHttpLoad (node:net)', runLeanHttpLoad],
] as const)('%s', (_name, runLoad) => {
  it('warms up on the same connections, then counts only from the mark', async () => {
    const pool: PooledCard<number>[] = Array.from({ length: 8 }, (_, i) => ({ id: `card-${i}`, state: 0 }));
    let marks = 0;
    let requestsAtMark = -1;
    connections.clear();
    const r = await runLoad(pool, apduCase(), {
      url,
      connections: 2,
      // a second: under the full suite the two cores are busy, and the connections must be up and answered before the mark
      warmupS: 1,
      durationS: 0.5,
      onTimed: () => {
        marks++;
        requestsAtMark = requests;
      },
    });
    expect(marks).toBe(1);
    expect(requestsAtMark).toBeGreaterThan(0); // the warm-up ran before the mark
    expect(r.errors).toBe(0);
    expect(r.good).toBeGreaterThan(0);
    // what the server answered before the mark is not counted
    expect(r.good).toBeLessThanOrEqual(requests - requestsAtMark);
    expect(r.good).toBeLessThan(requests);
    // the two connections were opened once, for both parts
    expect(connections.size).toBe(2);
    expect(r.durationS).toBeGreaterThan(0);
    expect(r.durationS).toBeLessThan(5);
    expect(r.p50Ms).toBeGreaterThan(0);
    expect(pool.length).toBeGreaterThan(0);
  });

  it('without a warm-up, counts from the start', async () => {
    const pool: PooledCard<number>[] = Array.from({ length: 4 }, (_, i) => ({ id: `card-${i}`, state: 0 }));
    let marks = 0;
    const before = requests;
    const r = await runLoad(pool, apduCase(), { url, connections: 1, durationS: 0.3, onTimed: () => void marks++ });
    expect(marks).toBe(1);
    expect(r.good).toBeGreaterThan(0);
    expect(r.good).toBeLessThanOrEqual(requests - before);
  });

  it('refuses a pool no larger than the connections', async () => {
    await expect(runLoad([{ id: 'a', state: 0 }], apduCase(), { url, connections: 1, durationS: 0.1 })).rejects.toThrow(/need more cards than connections/);
  });
});
