// `ssc3 demo` and `ssc3 demo transit`: the story comes out right for both purse profiles, the
// trace shows the APDUs and never a key, the same seed prints the same bytes, bad options exit 2.
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { purseCrypto } from '../../engine/index.js';
import { bytesToHex, hexToBytes } from '../../crypto/utils.js';

const cli = (argv: string[]) => runCli(argv);

describe('ssc3 demo transit', () => {
  for (const algorithm of ['3des', 'sm4'] as const) {
    it(`${algorithm}: issued, topped up, entered, exited, charged, cleared`, async () => {
      const { code, out, err } = await cli(['demo', 'transit', '--algorithm', algorithm]);
      expect(err).toBe('');
      expect(code).toBe(0);
      const lines = out.trim().split('\n');
      expect(lines).toHaveLength(5);
      expect(lines[0]).toContain(algorithm === 'sm4' ? 'SM4 (alg 04)' : '3DES (alg 00)');
      expect(lines[1]).toMatch(/^2\. Topped up 50\.00 yuan .* balance 50\.00 yuan, TAC [0-9a-f]{8}\.$/);
      expect(lines[2]).toMatch(/^3\. Entered at 土桥 .* TAC [0-9a-f]{8}\.$/);
      // 土桥 → 国贸 is 21.1 km on line 1: 5 yuan, no discount at 08:55 on a Monday.
      expect(lines[3]).toMatch(/^4\. Left at 国贸 .* charged 5\.00 yuan \(Beijing fare, 5\.00 yuan before discounts\), balance 45\.00 yuan, TAC [0-9a-f]{8}\.$/);
      expect(lines[4]).toMatch(/^5\. Clearing: 3 of 3 transactions verified/);
    });
  }

  it('--trace prints every APDU and no key material', async () => {
    const { code, out } = await cli(['demo', 'transit', '--trace', '--algorithm', '3des']);
    expect(code).toBe(0);
    for (const label of ['SELECT transit', 'INITIALIZE FOR LOAD', 'CREDIT FOR LOAD', 'INITIALIZE FOR CAPP PURCHASE', 'UPDATE CAPP DATA CACHE', 'DEBIT FOR PURCHASE', 'INIT SAM FOR PURCHASE', 'CREDIT SAM FOR PURCHASE']) {
      expect(out, label).toContain(label);
    }
    // Neither the issuer masters nor the card's diversified keys appear anywhere in the trace.
    const serial = hexToBytes(/serial (\d{20})/.exec(out)![1]);
    const k = purseCrypto.DEMO_ISSUER_KEYS;
    for (const master of [k.purchase, k.load, k.tac]) {
      for (const alg of ['3des', 'sm4'] as const) {
        for (const key of [master, purseCrypto.diversifyKey(alg, master, serial)]) {
          const hex = bytesToHex(key);
          expect(out).not.toContain(hex);
          expect(out).not.toContain(hex.slice(0, 16));
          expect(out).not.toContain(hex.slice(16));
        }
      }
    }
  });

  it('the same seed prints the same bytes; another seed another card', async () => {
    const a = await cli(['demo', 'transit', '--trace', '--seed', '7']);
    const b = await cli(['demo', 'transit', '--trace', '--seed', '7']);
    const c = await cli(['demo', 'transit', '--trace', '--seed', '8']);
    expect(a.out).toBe(b.out);
    expect(c.out).not.toBe(a.out);
  });

  it('bad options: one line, exit 2', async () => {
    for (const argv of [['demo', 'transit', '--seed', 'x'], ['demo', 'transit', '--algorithm', 'aes'], ['demo', 'transit', '--bogus']]) {
      const { code, err, out } = await cli(argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(out).toBe('');
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).toMatch(/^ssc3: /);
    }
  });
});

describe('ssc3 demo (npm start)', () => {
  it('runs the vectors self-check, then the story', async () => {
    const { code, out } = await cli(['demo']);
    expect(code).toBe(0);
    expect(out).toMatch(/Crypto self-check/);
    expect(out).toMatch(/ {2}\d+ passed, 0 failed/);
    expect(out).not.toMatch(/FAIL/);
    expect(out).toMatch(/5\. Clearing: 3 of 3/);
  });
});
