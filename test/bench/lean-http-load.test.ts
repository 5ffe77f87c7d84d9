// The node:net load generator's own parts: its reply reader, and how it counts replies split
// across reads, refusals, dropped connections and a card that must never be in flight twice.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpCase, PooledCard } from '../../bench/lib/http-load.js';
import { parseReply, runLeanHttpLoad } from '../../bench/lib/lean-http-load.js';

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('parseReply', () => {
  it('reads a whole reply, its status, body and length', () => {
    const raw = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 11\r\n\r\n{"sw":"90"}';
    expect(parseReply(b(raw))).toEqual({ status: 200, body: '{"sw":"90"}', length: Buffer.byteLength(raw), close: false });
  });

  it('waits for the rest of the head and of the body', () => {
    const raw = 'HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope';
    for (let cut = 0; cut < raw.length; cut++) expect(parseReply(b(raw.slice(0, cut)))).toBeUndefined();
    expect(parseReply(b(raw))?.status).toBe(404);
  });

  it('counts Content-Length in bytes (a UTF-8 body)', () => {
    const body = '{"m":"闪卡"}';
    const raw = `HTTP/1.1 400 Bad Request\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
    expect(parseReply(b(raw))).toMatchObject({ status: 400, body, close: true });
    expect(parseReply(b(raw).subarray(0, b(raw).length - 1))).toBeUndefined();
  });

  it('refuses what it cannot read', () => {
    expect(() => parseReply(b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'))).toThrow(/chunked/);
    expect(() => parseReply(b('HTTP/1.1 200 OK\r\nX: y\r\n\r\n'))).toThrow(/Content-Length/);
    expect(() => parseReply(b('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(/status line/);
    expect(() => parseReply(Buffer.alloc(70 * 1024, 0x61))).toThrow(/64 KiB/);
  });
});

// A case whose cards count their replies: ok when the body says so.
function countingCase(): HttpCase<number> {
  return {
    request: (card) => ({ path: `/c/${card.id}`, body: `{"card":"${card.id}"}` }),
    check: (card, status, body) => {
      const ok = status === 200 && body === '"ok"';
      if (ok) card.state++;
      return { ok, keep: true };
    },
  };
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<string> {
  let n = 0;
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res, ++n));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const pool = (n: number): PooledCard<number>[] => Array.from({ length: n }, (_, i) => ({ id: `k${i}`, state: 0 }));

describe('runLeanHttpLoad', () => {
  it('counts replies written in pieces, and never has a card in flight twice', async () => {
    const inFlight = new Set<string>();
    let twice = 0;
    const url = await serve((req, res) => {
      const id = req.url!.slice(3);
      if (inFlight.has(id)) twice++;
      inFlight.add(id);
      res.setHeader('content-length', 4);
      res.flushHeaders();
      setTimeout(() => {
        inFlight.delete(id);
        res.end('"ok"');
      }, 1);
    });
    const cards = pool(6);
    const r = await runLeanHttpLoad(cards, countingCase(), { url, connections: 3, durationS: 0.4 });
    expect(twice).toBe(0);
    expect(r.errors).toBe(0);
    expect(r.good).toBeGreaterThan(10);
    // every good reply advanced its card once (cards in flight at the end were dropped, with their counts)
    expect(cards.reduce((s, c) => s + c.state, 0)).toBeLessThanOrEqual(r.good);
    expect(r.p50Ms).toBeGreaterThan(0);
  });

  it('counts refusals as errors, not as good replies', async () => {
    const url = await serve((_req, res, n) => {
      res.statusCode = n % 2 === 0 ? 409 : 200;
      res.end(n % 2 === 0 ? '{"code":"conflict"}' : '"ok"');
    });
    const r = await runLeanHttpLoad(pool(4), countingCase(), { url, connections: 2, durationS: 0.3 });
    expect(r.good).toBeGreaterThan(0);
    expect(r.errors).toBeGreaterThan(0);
    expect(Math.abs(r.good - r.errors)).toBeLessThanOrEqual(4);
  });

  it('opens a connection the server dropped again, and counts the request lost with it', async () => {
    const url = await serve((req, res, n) => {
      if (n % 5 === 0) req.socket.destroy();
      else res.end('"ok"');
    });
    const r = await runLeanHttpLoad(pool(200), countingCase(), { url, connections: 1, durationS: 0.5 });
    expect(r.errors).toBeGreaterThan(0);
    expect(r.good).toBeGreaterThan(r.errors);
    // each lost request took its card out of the pool (whether the server acted on it is unknown), as did the one in flight at the end
    expect(200 - r.poolLeft - r.errors).toBeGreaterThanOrEqual(0);
    expect(200 - r.poolLeft - r.errors).toBeLessThanOrEqual(1);
  });
});
