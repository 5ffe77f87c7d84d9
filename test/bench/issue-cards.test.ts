// issueCardsEvery (bench/lib/server-process.ts), the card issues of the server benchmark's
// http-tap-issuing row, against a stand-in server: consecutive seeds, one issue at a time, a count
// that matches what the server got, and a failed issue that ends the loop and is reported at stop.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { issueCardsEvery } from '../../bench/lib/server-process.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

const bodyOf = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve) => {
    let b = '';
    req.on('data', (d: Buffer) => (b += d.toString()));
    req.on('end', () => resolve(b));
  });

/** A stand-in for POST /v1/cards: answers `status(n)` to the n-th issue (from 1), and records each body. */
async function standIn(status: (n: number) => number): Promise<{ url: string; bodies: { seed: number }[]; inFlight: number[] }> {
  const bodies: { seed: number }[] = [];
  const inFlight: number[] = [];
  let open = 0;
  server = createServer((req, res) => {
    open++;
    inFlight.push(open);
    void bodyOf(req).then((b) => {
      bodies.push(JSON.parse(b) as { seed: number });
      const code = req.method === 'POST' && req.url === '/v1/cards' ? status(bodies.length) : 404;
      open--;
      res.writeHead(code, { 'content-type': 'application/json' }).end(code === 201 ? '{"id":"card-x"}' : '{"code":"BAD"}');
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies, inFlight };
}

const until = async (done: () => boolean): Promise<void> => {
  while (!done()) await new Promise((r) => setTimeout(r, 5));
};

describe('issueCardsEvery', () => {
  it('issues cards one at a time with consecutive seeds until stopped, and counts them', async () => {
    const s = await standIn(() => 201);
    const stop = issueCardsEvery(s.url, 0, 500);
    await until(() => s.bodies.length >= 3);
    const issued = await stop();
    expect(issued).toBe(s.bodies.length);
    expect(s.bodies.map((b) => b.seed)).toEqual(Array.from({ length: issued }, (_, i) => 500 + i));
    expect(Math.max(...s.inFlight)).toBe(1);
  });

  it('ends at an issue that fails, and stop reports it', async () => {
    const s = await standIn((n) => (n === 2 ? 400 : 201));
    const stop = issueCardsEvery(s.url, 0, 7);
    await until(() => s.bodies.length >= 2);
    await new Promise((r) => setTimeout(r, 30));
    expect(s.bodies).toHaveLength(2);
    await expect(stop()).rejects.toThrow(/\/v1\/cards: 400/);
  });
});
