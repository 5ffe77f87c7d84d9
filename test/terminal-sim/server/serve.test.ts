// startServer (what `ssc3 serve` runs): a real listening socket on 127.0.0.1, demo cards issued
// once, cards surviving a restart on the SQLite store, the token enforced, and `ssc3 serve` usage
// errors on one line.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { run, type CliIo } from '../../../terminal-sim/cli/main.js';
import { startupNotes } from '../../../terminal-sim/cli/serve-command.js';
import { SERVE_NODE_FLAGS } from '../../../terminal-sim/cli/serve-node-flags.js';
import { DEMO_CARDS, DEMO_TERMINALS, startServer } from '../../../terminal-sim/server/serve.js';
import { testTempDir } from '../../support/temp-dir.js';
import { FakeVpcd } from '../transport/fake-vpcd.js';
import { THREAD_EXEC_ARGV } from './helpers.js';

describe('startServer', () => {
  it('serves /healthz and the demo cards on a loopback port; cards survive a restart', async () => {
    const dir = testTempDir('serve');
    const s = await startServer({ port: 0, dataDir: dir, demo: true, thread: false, now: () => Date.UTC(2026, 0, 5) });
    try {
      expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(s.demoCards).toHaveLength(DEMO_CARDS.length);
      expect(await (await fetch(`${s.url}/healthz`)).json()).toEqual({ status: 'ok' });
      const { cards } = (await (await fetch(`${s.url}/v1/cards`)).json()) as { cards: unknown[] };
      expect(cards).toHaveLength(DEMO_CARDS.length);
      const id = s.demoCards[0].id;
      const sel = await fetch(`${s.url}/v1/cards/${id}/apdu`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apdu: '00a4040008a000000632010105' }) });
      expect(((await sel.json()) as { sw: string }).sw).toBe('9000');
      const bal = await fetch(`${s.url}/v1/cards/${id}/apdu`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apdu: '805c000204' }) });
      expect(await bal.json()).toEqual({ response: '00001388', sw: '9000' });
      expect(s.demoTerminals.map((t) => t.id)).toEqual(DEMO_TERMINALS.map((t) => t.body.id));
      // the printed examples work as printed: a tap on the demo entry gate
      const notes = startupNotes(s, { auth: '', vpcd: undefined }).join('\n');
      const tap = /-d '(\{"cardId":"[^"]+"\})' (\S+\/gate-entry\/taps)/.exec(notes)!;
      expect(tap).not.toBeNull();
      const r = await fetch(tap[2], { method: 'POST', headers: { 'content-type': 'application/json' }, body: tap[1] });
      expect(((await r.json()) as { outcome: string }).outcome).toBe('entered');
      expect(notes).toMatch(/--vpcd 127\.0\.0\.1:35963/);
    } finally {
      await s.close();
    }
    const again = await startServer({ port: 0, dataDir: dir, demo: true, threadExecArgv: THREAD_EXEC_ARGV });
    try {
      expect(again.demoCards).toEqual([]);
      expect(again.demoTerminals).toEqual([]);
      expect(((await (await fetch(`${again.url}/v1/terminals`)).json()) as { terminals: unknown[] }).terminals.length).toBe(DEMO_TERMINALS.length);
      expect(((await (await fetch(`${again.url}/v1/cards`)).json()) as { cards: unknown[] }).cards.length).toBe(DEMO_CARDS.length);
    } finally {
      await again.close();
    }
  });

  it('with vpcd and --demo, a standard 3DES demo card waits in slot 0', async () => {
    const driver = new FakeVpcd();
    const port = await driver.listen();
    const s = await startServer({ port: 0, memory: true, demo: true, vpcd: { host: '127.0.0.1', port }, threadExecArgv: THREAD_EXEC_ARGV });
    try {
      const first = DEMO_CARDS.findIndex((c) => c.profile === 'beijing-standard' && c.algorithm === '3des');
      expect(s.insertedCard).toBe(s.demoCards[first].id);
      await driver.connection();
      expect(((await (await fetch(`${s.url}/v1/readers`)).json()) as { readers: { cardId: string | null }[] }).readers[0].cardId).toBe(s.insertedCard);
      const notes = startupNotes(s, { auth: '', vpcd: { host: '127.0.0.1', port } }).join('\n');
      expect(notes).toContain("opensc-tool -r 'Virtual PCD 00 00'");
    } finally {
      await s.close();
      await driver.close();
    }
  });

  it('--token: 401 without it, /healthz stays open', async () => {
    const s = await startServer({ port: 0, memory: true, token: 't0ken', threadExecArgv: THREAD_EXEC_ARGV });
    try {
      expect((await fetch(`${s.url}/v1/cards`)).status).toBe(401);
      expect((await fetch(`${s.url}/v1/cards`, { headers: { authorization: 'Bearer t0ken' } })).status).toBe(200);
      expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('npm start', () => {
  it('runs ssc3 serve --demo under the Node flags the server benchmark measures (SERVE_NODE_FLAGS), which this Node accepts', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
    const words = pkg.scripts.start.split(/\s+/);
    expect(words[0]).toBe('node');
    const main = words.findIndex((w) => w.endsWith('cli/main.js'));
    expect(words.slice(1, main)).toEqual([...SERVE_NODE_FLAGS]);
    expect(words.slice(main + 1, main + 3)).toEqual(['serve', '--demo']);
    const r = spawnSync(process.execPath, [...SERVE_NODE_FLAGS, '-e', 'process.exit(0)'], { encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
  });
});

describe('ssc3 serve usage errors', () => {
  for (const argv of [['serve', '--port', 'x'], ['serve', '--port', '70000'], ['serve', '--memory', '--data', '/tmp/x'], ['serve', '--vpcd', 'localhost'], ['serve', '--vpcd', 'h:0'], ['serve', '--max-open-cards', '0'], ['serve', '--max-open-cards', '1.5'], ['serve', '--max-open-cards', 'many']]) {
    it(argv.join(' '), async () => {
      let err = '';
      const io: CliIo = { stdout: () => {}, stderr: (s) => void (err += s), readStdin: async () => new Uint8Array(0) };
      expect(await run(argv, io)).toBe(2);
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).toMatch(/^ssc3: /);
    });
  }
});
