// Tests for `ssc3 crypto …` (terminal-sim/cli/): every command's happy path in-process through
// run() with a capturing io, checked against the crypto modules and against node:crypto (which
// has sm3, sm4-ecb/cbc/ctr and 2-/3-key 3DES); every usage error (exit 2, one `ssc3: ` line, no
// stack, no key echoed); the exit-1 outcomes; the vectors runner on the shipped files and on a
// corrupted copy; and a few runs of the built binary to prove the shebang entry point.
import { spawnSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as des from '../../crypto/des.js';
import * as sm2 from '../../crypto/sm2.js';
import { sm3 } from '../../crypto/sm3.js';
import * as sm4 from '../../crypto/sm4.js';
import { bytesToHex, hexToBytes } from '../../crypto/utils.js';
import { runCli, type CliResult } from '../support/run-cli.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const VECTORS = join(ROOT, 'vectors');

const cli = (argv: string[], stdin: Uint8Array = new Uint8Array(0)) => runCli(argv, stdin);

/** Runs a command that must succeed with one line of output, and returns that line. */
async function ok(...argv: string[]): Promise<string> {
  const r = await cli(argv);
  expect(r, argv.join(' ')).toMatchObject({ code: 0, err: '' });
  expect(r.out).toMatch(/^[^\n]*\n$/);
  return r.out.slice(0, -1);
}

/** Asserts the one-line error shape: `ssc3: …`, nothing else, no stack trace. */
function expectOneLineError(r: CliResult, code: number): void {
  expect(r.code).toBe(code);
  expect(r.err).toMatch(/^ssc3: [^\n]+\n$/);
  expect(r.err).not.toMatch(/\bat .*:\d+:\d+/);
}

const hex = bytesToHex;
const bytes = (h: string): Uint8Array => hexToBytes(h);
const nodeCipher = (alg: string, key: string, iv: string | null, data: string, decrypt: boolean, pad = false): string => {
  const c = decrypt ? createDecipheriv(alg, bytes(key), iv === null ? null : bytes(iv)) : createCipheriv(alg, bytes(key), iv === null ? null : bytes(iv));
  c.setAutoPadding(pad);
  return Buffer.concat([c.update(bytes(data)), c.final()]).toString('hex');
};

const K16 = '0123456789abcdeffedcba9876543210';
const IV16 = '000102030405060708090a0b0c0d0e0f';
const MSG = '6d65737361676520646967657374'; // "message digest"
const DATA48 = 'aaaaaaaabbbbbbbbccccccccddddddddeeeeeeeeffffffffaaaaaaaabbbbbbbb0011223344556677889900aabbccddee';
const DATA21 = '000102030405060708090a0b0c0d0e0f1011121314';

// ---- sm3 ----------------------------------------------------------------------------------------

describe('crypto sm3', () => {
  it('hashes --hex, matching the module and node:crypto', async () => {
    for (const m of ['', '616263', DATA48]) {
      const digest = await ok('crypto', 'sm3', '--hex', m);
      expect(digest).toBe(hex(sm3(bytes(m))));
      expect(digest).toBe(createHash('sm3').update(bytes(m)).digest('hex'));
    }
    expect(await ok('crypto', 'sm3', '--hex', '616263')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });

  it('accepts upper-case hex and prints lower case', async () => {
    expect(await ok('crypto', 'sm3', '--hex', 'ABCDEF')).toBe(hex(sm3(bytes('abcdef'))));
  });

  it('hashes --in FILE and, with neither option, standard input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssc3-sm3-'));
    try {
      const file = join(dir, 'msg.bin');
      writeFileSync(file, bytes(DATA48));
      expect(await ok('crypto', 'sm3', '--in', file)).toBe(hex(sm3(bytes(DATA48))));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const r = await cli(['crypto', 'sm3'], new TextEncoder().encode('abc'));
    expect(r).toEqual({ code: 0, out: '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0\n', err: '' });
  });
});

// ---- sm4 ----------------------------------------------------------------------------------------

describe('crypto sm4', () => {
  it('ECB and CBC without padding match node:crypto and the module, both directions', async () => {
    const data = DATA48.slice(0, 64);
    const ecb = await ok('crypto', 'sm4', '--encrypt', '--mode', 'ecb', '--key', K16, '--hex', data);
    expect(ecb).toBe(nodeCipher('sm4-ecb', K16, null, data, false));
    expect(ecb).toBe(hex(sm4.ecbEncrypt(bytes(K16), bytes(data))));
    expect(await ok('crypto', 'sm4', '--decrypt', '--mode', 'ecb', '--key', K16, '--hex', ecb)).toBe(data);

    const cbc = await ok('crypto', 'sm4', '--encrypt', '--mode', 'cbc', '--key', K16, '--iv', IV16, '--hex', data);
    expect(cbc).toBe('78ebb11cc40b0a48312aaeb2040244cb4cb7016951909226979b0d15dc6a8f6d'); // draft-ribose A.2.2.1
    expect(cbc).toBe(nodeCipher('sm4-cbc', K16, IV16, data, false));
    expect(await ok('crypto', 'sm4', '--decrypt', '--mode', 'cbc', '--key', K16, '--iv', IV16, '--hex', cbc)).toBe(data);
  });

  it('--pad is PKCS#7, as node:crypto pads by default', async () => {
    for (const mode of ['ecb', 'cbc'] as const) {
      const ivArgs = mode === 'cbc' ? ['--iv', IV16] : [];
      const alg = `sm4-${mode}`;
      for (const data of ['', DATA21, DATA48.slice(0, 64)]) {
        const ct = await ok('crypto', 'sm4', '--encrypt', '--pad', '--mode', mode, '--key', K16, ...ivArgs, '--hex', data);
        expect(ct).toBe(nodeCipher(alg, K16, mode === 'cbc' ? IV16 : null, data, false, true));
        expect(await ok('crypto', 'sm4', '--decrypt', '--pad', '--mode', mode, '--key', K16, ...ivArgs, '--hex', ct)).toBe(data);
      }
    }
  });

  it('CTR of any length matches node:crypto sm4-ctr and is its own inverse', async () => {
    const iv = 'ffffffffffffffffffffffffffffffff'; // wraps the 128-bit counter on the second block
    for (const data of ['', DATA21, DATA48]) {
      const ct = await ok('crypto', 'sm4', '--encrypt', '--mode', 'ctr', '--key', K16, '--iv', iv, '--hex', data);
      expect(ct).toBe(nodeCipher('sm4-ctr', K16, iv, data, false));
      expect(ct).toBe(hex(sm4.ctr(bytes(K16), bytes(iv), bytes(data))));
      expect(await ok('crypto', 'sm4', '--decrypt', '--mode', 'ctr', '--key', K16, '--iv', iv, '--hex', ct)).toBe(data);
    }
  });

  it('a PKCS#7 padding that does not check is a one-line failure, exit 1', async () => {
    const ct = await ok('crypto', 'sm4', '--encrypt', '--mode', 'ecb', '--key', K16, '--hex', '00'.repeat(16));
    const r = await cli(['crypto', 'sm4', '--decrypt', '--pad', '--mode', 'ecb', '--key', K16, '--hex', ct]);
    expectOneLineError(r, 1);
    expect(r.err).toContain('padding');
    expect(r.out).toBe('');
  });
});

describe('crypto sm4-mac', () => {
  it('is ISO 9797-1 MAC algorithm 1 with zero ICV: padding m2 by default, m1 on request', async () => {
    for (const data of ['', DATA21, DATA48.slice(0, 64)]) {
      const m2 = await ok('crypto', 'sm4-mac', '--key', K16, '--hex', data);
      expect(m2).toBe(hex(sm4.cbcMac(bytes(K16), bytes(data), { padding: 'iso9797-m2' })));
      // Independent: the last block of node's SM4-CBC, zero IV, over the 80 00… padded data.
      const padded = data + '80' + '00'.repeat(15 - ((data.length / 2) % 16));
      expect(m2).toBe(nodeCipher('sm4-cbc', K16, '00'.repeat(16), padded, false).slice(-32));
      expect(await ok('crypto', 'sm4-mac', '--key', K16, '--hex', data, '--padding', 'm2')).toBe(m2);

      const m1 = await ok('crypto', 'sm4-mac', '--key', K16, '--hex', data, '--padding', 'm1');
      expect(m1).toBe(hex(sm4.cbcMac(bytes(K16), bytes(data), { padding: 'iso9797-m1' })));
      expect(m1).toHaveLength(32);
    }
  });
});

// ---- sm2 ----------------------------------------------------------------------------------------

const D = '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8';
const PUB = hex(sm2.getPublicKey(bytes(D)));

describe('crypto sm2', () => {
  it('keygen prints "<private> <public>" of a matching pair', async () => {
    const [priv, pub, ...rest] = (await ok('crypto', 'sm2', 'keygen')).split(' ');
    expect(rest).toEqual([]);
    expect(priv).toMatch(/^[0-9a-f]{64}$/);
    expect(pub).toMatch(/^04[0-9a-f]{128}$/);
    expect(pub).toBe(hex(sm2.getPublicKey(bytes(priv))));
    const [other] = (await ok('crypto', 'sm2', 'keygen')).split(' ');
    expect(other).not.toBe(priv);
  });

  it('sign → verify round trip, default ID, raw r‖s; the module agrees', async () => {
    const sig = await ok('crypto', 'sm2', 'sign', '--key', D, '--hex', MSG);
    expect(sig).toMatch(/^[0-9a-f]{128}$/);
    expect(sm2.verify(bytes(sig), bytes(MSG), bytes(PUB))).toBe(true);
    expect(await ok('crypto', 'sm2', 'verify', '--pub', PUB, '--hex', MSG, '--sig', sig)).toBe('valid');
  });

  it('sign → verify round trip with --id and --der; the wrong ID is invalid', async () => {
    const id = 'ALICE123@YAHOO.COM';
    const der = await ok('crypto', 'sm2', 'sign', '--key', D, '--id', id, '--hex', MSG, '--der');
    expect(der.slice(0, 2)).toBe('30');
    const raw = sm2.signatureFromDer(bytes(der));
    expect(sm2.verify(raw, bytes(MSG), bytes(PUB), { userId: id })).toBe(true);
    expect(await ok('crypto', 'sm2', 'verify', '--pub', PUB, '--id', id, '--hex', MSG, '--sig', der)).toBe('valid');
    expect(await ok('crypto', 'sm2', 'verify', '--pub', PUB, '--id', id, '--hex', MSG, '--sig', hex(raw))).toBe('valid');
    // Compressed public key accepted too.
    const compressed = hex(sm2.compressPublicKey(bytes(PUB)));
    expect(await ok('crypto', 'sm2', 'verify', '--pub', compressed, '--id', id, '--hex', MSG, '--sig', der)).toBe('valid');

    const r = await cli(['crypto', 'sm2', 'verify', '--pub', PUB, '--hex', MSG, '--sig', der]);
    expect(r).toEqual({ code: 1, out: 'invalid\n', err: '' });
  });

  it('verify of a module-made signature, and of the GB/T 32918.5 annex A signature', async () => {
    const sig = hex(sm2.sign(bytes(MSG), bytes(D), { userId: 'bob' }));
    expect(await ok('crypto', 'sm2', 'verify', '--pub', PUB, '--id', 'bob', '--hex', MSG, '--sig', sig)).toBe('valid');
    const annex =
      'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa';
    expect(await ok('crypto', 'sm2', 'verify', '--pub', PUB, '--hex', MSG, '--sig', annex)).toBe('valid');
  });

  it('verify prints invalid, exit 1, for a wrong signature or a changed message', async () => {
    const sig = await ok('crypto', 'sm2', 'sign', '--key', D, '--hex', MSG);
    const flipped = sig.slice(0, 10) + (sig[10] === '0' ? '1' : '0') + sig.slice(11);
    for (const [m, s] of [
      [MSG, flipped],
      [MSG + '00', sig],
    ]) {
      const r = await cli(['crypto', 'sm2', 'verify', '--pub', PUB, '--hex', m, '--sig', s]);
      expect(r).toEqual({ code: 1, out: 'invalid\n', err: '' });
    }
  });

  it('encrypt → decrypt round trip in both orders; the module decrypts the CLI ciphertext', async () => {
    for (const mode of ['c1c3c2', 'c1c2c3'] as const) {
      const modeArgs = mode === 'c1c3c2' ? [] : ['--mode', mode];
      const ct = await ok('crypto', 'sm2', 'encrypt', '--pub', PUB, '--hex', MSG, ...modeArgs);
      expect(ct).toHaveLength(2 * (65 + 32 + MSG.length / 2));
      expect(hex(sm2.decrypt(bytes(D), bytes(ct), { mode }))).toBe(MSG);
      expect(await ok('crypto', 'sm2', 'decrypt', '--key', D, '--hex', ct, '--mode', mode)).toBe(MSG);
    }
    const fromModule = hex(sm2.encrypt(bytes(PUB), bytes(MSG)));
    expect(await ok('crypto', 'sm2', 'decrypt', '--key', D, '--hex', fromModule)).toBe(MSG);
  });

  it('decrypt refuses a tampered ciphertext (C3 mismatch) with one line, exit 1', async () => {
    const ct = await ok('crypto', 'sm2', 'encrypt', '--pub', PUB, '--hex', MSG);
    const last = ct.length - 1;
    const tampered = ct.slice(0, last) + (ct[last] === 'f' ? 'e' : 'f');
    const r = await cli(['crypto', 'sm2', 'decrypt', '--key', D, '--hex', tampered]);
    expectOneLineError(r, 1);
    expect(r.err).toContain('C3');
    expect(r.out).toBe('');
    // Wrong order is a C3 mismatch too.
    expectOneLineError(await cli(['crypto', 'sm2', 'decrypt', '--key', D, '--hex', ct, '--mode', 'c1c2c3']), 1);
  });
});

// ---- des ----------------------------------------------------------------------------------------

describe('crypto des and des-mac', () => {
  const K8 = '0123456789abcdef';
  const K2 = '11223344556677888877665544332211';
  const K3 = K2 + '0102030405060708';
  const IV8 = '1122334455667788';
  const DATA = DATA48.slice(0, 64);

  it('3DES ECB / CBC (2- and 3-key) match node:crypto, both directions', async () => {
    const cases: [string, string, string, string | null][] = [
      [K2, 'ecb', 'des-ede', null],
      [K2, 'cbc', 'des-ede-cbc', IV8],
      [K3, 'ecb', 'des-ede3', null],
      [K3, 'cbc', 'des-ede3-cbc', IV8],
    ];
    for (const [key, mode, alg, iv] of cases) {
      const ivArgs = iv === null ? [] : ['--iv', iv];
      const ct = await ok('crypto', 'des', '--encrypt', '--mode', mode, '--key', key, ...ivArgs, '--hex', DATA);
      expect(ct, alg).toBe(nodeCipher(alg, key, iv, DATA, false));
      expect(await ok('crypto', 'des', '--decrypt', '--mode', mode, '--key', key, ...ivArgs, '--hex', ct)).toBe(DATA);
    }
  });

  it('single DES (8-byte key) matches the module and 3DES with K‖K', async () => {
    const ecb = await ok('crypto', 'des', '--encrypt', '--mode', 'ecb', '--key', K8, '--hex', DATA);
    expect(ecb).toBe(hex(des.ecbEncrypt(bytes(K8), bytes(DATA))));
    expect(ecb).toBe(nodeCipher('des-ede', K8 + K8, null, DATA, false));
    const cbc = await ok('crypto', 'des', '--encrypt', '--mode', 'cbc', '--key', K8, '--iv', IV8, '--hex', DATA);
    expect(cbc).toBe(hex(des.cbcEncrypt(bytes(K8), bytes(IV8), bytes(DATA))));
    expect(await ok('crypto', 'des', '--decrypt', '--mode', 'cbc', '--key', K8, '--iv', IV8, '--hex', cbc)).toBe(DATA);
  });

  it('the purse session key (3DES-ECB) and MAC1 (des-mac, first 4 bytes) of the published example', async () => {
    expect(await ok('crypto', 'des', '--encrypt', '--mode', 'ecb', '--key', K2, '--hex', '1122334400008000')).toBe('9b1d924e05595603');
    const mac = await ok('crypto', 'des-mac', '--key', '9b1d924e05595603', '--hex', '000000000000100001001122334455');
    expect(mac).toHaveLength(16);
    expect(mac.slice(0, 8)).toBe('2988ae5a');
  });

  it('des-mac: algorithm 1 and 3, padding m1 and m2, as the module computes them', async () => {
    for (const data of ['', DATA21, DATA]) {
      for (const padding of ['m1', 'm2'] as const) {
        for (const key of [K8, K2, K3]) {
          expect(await ok('crypto', 'des-mac', '--key', key, '--hex', data, '--padding', padding, '--alg', '1')).toBe(
            hex(des.mac9797Alg1(bytes(key), bytes(data), { padding })),
          );
        }
        expect(await ok('crypto', 'des-mac', '--key', K2, '--hex', data, '--padding', padding, '--alg', '3')).toBe(
          hex(des.mac9797Alg3(bytes(K2), bytes(data), { padding })),
        );
      }
    }
  });
});

// ---- vectors ------------------------------------------------------------------------------------

describe('crypto vectors', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'ssc3-vectors-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  /** A copy of the shipped vectors in a new folder, with `edit` applied to the SM file. */
  function corruptedCopy(name: string, edit: (file: { vectors: Record<string, unknown>[] }) => void): string {
    const dir = join(tmp, name);
    mkdirSync(join(dir, 'crypto'), { recursive: true });
    mkdirSync(join(dir, 'purse'), { recursive: true });
    copyFileSync(join(VECTORS, 'purse/purse-3des.json'), join(dir, 'purse/purse-3des.json'));
    const sm = JSON.parse(readFileSync(join(VECTORS, 'crypto/sm-standard.json'), 'utf8')) as { vectors: Record<string, unknown>[] };
    edit(sm);
    writeFileSync(join(dir, 'crypto/sm-standard.json'), JSON.stringify(sm));
    return dir;
  }

  it('passes every shipped vector, one PASS line each, exit 0', async () => {
    const r = await cli(['crypto', 'vectors']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    const sm = JSON.parse(readFileSync(join(VECTORS, 'crypto/sm-standard.json'), 'utf8')) as { vectors: { id: string; algorithm: string }[] };
    const purse = JSON.parse(readFileSync(join(VECTORS, 'purse/purse-3des.json'), 'utf8')) as { vectors: { id: string }[] };
    const ids = [...sm.vectors, ...purse.vectors].map((v) => v.id);
    expect(lines).toEqual([...ids.map((id) => `PASS ${id}`), `${ids.length} passed, 0 failed`]);
    // Every algorithm the brief names is in there.
    expect(new Set(sm.vectors.map((v) => v.algorithm))).toEqual(
      new Set(['SM3', 'HMAC-SM3', 'SM4-ECB', 'SM4-CBC', 'SM4-ECB-ITERATED', 'SM2-PUBKEY', 'SM2-ZA', 'SM2-E', 'SM2-SIGN', 'SM2-ENCRYPT', 'SM2-KEYEXCHANGE']),
    );
    // --dir pointing at the shipped directory gives the same output.
    expect(await cli(['crypto', 'vectors', '--dir', VECTORS])).toEqual(r);
  });

  it('reports a corrupted expected value as FAIL <id>: <what differed>, exit 1', async () => {
    const dir = corruptedCopy('digest', (f) => {
      const v = f.vectors.find((x) => x.id === 'sm3-abc')!;
      (v.expected as Record<string, string>).digest = '00'.repeat(32);
    });
    const r = await cli(['crypto', 'vectors', '--dir', dir]);
    expect(r.code).toBe(1);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toContain(`FAIL sm3-abc: digest expected ${'00'.repeat(32)}, got 66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0`);
    expect(lines.filter((l) => l.startsWith('FAIL'))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^\d+ passed, 1 failed$/);
  });

  it('fails, never skips, an unknown algorithm, a corrupted SM2 signature and a missing input', async () => {
    const dir = corruptedCopy('many', (f) => {
      f.vectors.push({ id: 'made-up', algorithm: 'SM9-SIGN', inputs: {}, expected: {} });
      const sign = f.vectors.find((x) => x.algorithm === 'SM2-SIGN')!;
      (sign.expected as Record<string, string>).s = '11'.repeat(32);
      const ecb = f.vectors.find((x) => x.algorithm === 'SM4-ECB')!;
      delete (ecb.inputs as Record<string, string>).key;
    });
    const r = await cli(['crypto', 'vectors', '--dir', dir]);
    expect(r.code).toBe(1);
    const fails = r.out.split('\n').filter((l) => l.startsWith('FAIL'));
    expect(fails).toHaveLength(3);
    expect(fails).toContain('FAIL made-up: unknown algorithm "SM9-SIGN"');
    expect(fails.find((l) => l.startsWith('FAIL sm2-sign-annexA: r‖s expected'))).toBeDefined();
    expect(fails.find((l) => l.startsWith('FAIL sm4-ecb-gbt32907-ex1: threw TypeError'))).toContain('inputs.key');
    expect(r.out).toMatch(/\n\d+ passed, 3 failed\n$/);
  });

  it('a vectors directory without the files fails each file, exit 1', async () => {
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    const r = await cli(['crypto', 'vectors', '--dir', empty]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('FAIL crypto/sm-standard.json: cannot load: ENOENT\nFAIL purse/purse-3des.json: cannot load: ENOENT\n0 passed, 2 failed\n');
  });
});

// ---- help ---------------------------------------------------------------------------------------

describe('--help', () => {
  const levels = [
    [],
    ['crypto'],
    ['crypto', 'sm3'],
    ['crypto', 'sm4'],
    ['crypto', 'sm4-mac'],
    ['crypto', 'sm2'],
    ['crypto', 'sm2', 'keygen'],
    ['crypto', 'sm2', 'sign'],
    ['crypto', 'sm2', 'verify'],
    ['crypto', 'sm2', 'encrypt'],
    ['crypto', 'sm2', 'decrypt'],
    ['crypto', 'des'],
    ['crypto', 'des-mac'],
    ['crypto', 'vectors'],
  ];
  it.each(levels.map((l) => [l.join(' ') || '(top)', l] as const))('works at %s, exit 0', async (_name, level) => {
    const r = await cli([...level, '--help']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain(`Usage: ssc3${level.length ? ' ' + level.join(' ') : ''} [options]`);
  });

  it('`help <command>` and --version work; a group without a subcommand prints its help, exit 2', async () => {
    const h = await cli(['help', 'crypto']);
    expect(h.code).toBe(0);
    expect(h.out).toContain('Usage: ssc3 crypto');
    const v = await cli(['--version']);
    expect(v).toEqual({ code: 0, out: `${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}\n`, err: '' });
    const g = await cli(['crypto', 'sm2']);
    expect(g.code).toBe(2);
    expect(g.out).toBe('');
    expect(g.err).toContain('Usage: ssc3 crypto sm2');
  });
});

// ---- usage errors -------------------------------------------------------------------------------

describe('usage errors: exit 2, one line `ssc3: …`, no stack, key never echoed', () => {
  const SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
  const enc = ['crypto', 'sm4', '--encrypt', '--mode', 'ecb'];
  const cases: [string, string[], RegExp][] = [
    ['odd-length --hex', ['crypto', 'sm3', '--hex', 'abc'], /"--hex" expected an even number of hex digits, got 3/],
    ['non-hex --hex', ['crypto', 'sm3', '--hex', '61zz'], /"--hex" has a non-hex character "z" at position 2/],
    ['0x prefix', ['crypto', 'sm3', '--hex', '0x61'], /"--hex" has a non-hex character "x" at position 1/],
    ['non-hex --key', [...enc, '--key', SECRET.slice(0, 30) + 'zz', '--hex', '00'.repeat(16)], /"--key" has a non-hex character "z" at position 30/],
    ['odd --key', [...enc, '--key', SECRET.slice(0, 31), '--hex', '00'.repeat(16)], /"--key" expected an even number/],
    ['missing --key', [...enc, '--hex', '00'], /required option '--key <hex>' not specified/],
    ['missing --hex', [...enc, '--key', SECRET], /required option '--hex <hex>' not specified/],
    ['missing --mode', ['crypto', 'sm4', '--encrypt', '--key', SECRET, '--hex', '00'], /required option '--mode <mode>' not specified/],
    ['missing --sig', ['crypto', 'sm2', 'verify', '--pub', PUB, '--hex', MSG], /required option '--sig <hex>' not specified/],
    ['unknown option', [...enc, '--key', SECRET, '--hex', '00', '--verbose'], /unknown option '--verbose'/],
    ['unknown option (suggestion kept on the line)', ['crypto', 'sm3', '--hx', '00'], /unknown option '--hx' \(Did you mean --hex\?\)/],
    ['unknown command', ['crypto', 'sm5'], /unknown command 'sm5'/],
    ['unknown top-level command', ['nope'], /unknown command 'nope'/],
    ['excess argument', ['crypto', 'sm3', 'abc'], /too many arguments/],
    ['bad --mode choice', ['crypto', 'sm4', '--encrypt', '--mode', 'gcm', '--key', SECRET, '--hex', '00'], /'gcm' is invalid\. Allowed choices are ecb, cbc, ctr/],
    ['bad --padding choice', ['crypto', 'sm4-mac', '--key', SECRET, '--hex', '00', '--padding', 'm3'], /Allowed choices are m1, m2/],
    ['--encrypt with --decrypt', ['crypto', 'sm4', '--encrypt', '--decrypt', '--mode', 'ecb', '--key', SECRET, '--hex', '00'], /'--encrypt' cannot be used with option '--decrypt'/],
    ['des --encrypt with --decrypt', ['crypto', 'des', '--decrypt', '--encrypt', '--mode', 'ecb', '--key', SECRET, '--hex', '00'], /'--encrypt' cannot be used with option '--decrypt'/],
    ['neither --encrypt nor --decrypt', ['crypto', 'sm4', '--mode', 'ecb', '--key', SECRET, '--hex', '00'], /one of --encrypt or --decrypt is required/],
    ['sm3 --hex with --in', ['crypto', 'sm3', '--hex', '00', '--in', '/dev/null'], /'--hex <hex>' cannot be used with option '--in <file>'/],
    ['sm3 --in missing file', ['crypto', 'sm3', '--in', '/nonexistent/ssc3'], /cannot read --in "\/nonexistent\/ssc3": ENOENT/],
    ['sm4 key of 15 bytes', [...enc, '--key', SECRET.slice(0, 30), '--hex', '00'.repeat(16)], /--key expected 16 bytes, got 15 bytes/],
    ['sm4 iv of 8 bytes', ['crypto', 'sm4', '--encrypt', '--mode', 'cbc', '--key', SECRET, '--iv', '00'.repeat(8), '--hex', '00'.repeat(16)], /--iv expected 16 bytes, got 8 bytes/],
    ['sm4 --iv with ecb', [...enc, '--key', SECRET, '--iv', IV16, '--hex', '00'.repeat(16)], /--iv is not used with --mode ecb/],
    ['sm4 cbc without --iv', ['crypto', 'sm4', '--encrypt', '--mode', 'cbc', '--key', SECRET, '--hex', '00'.repeat(16)], /--iv is required with --mode cbc/],
    ['sm4 ctr without --iv', ['crypto', 'sm4', '--decrypt', '--mode', 'ctr', '--key', SECRET, '--hex', '00'], /--iv is required with --mode ctr/],
    ['sm4 --pad with ctr', ['crypto', 'sm4', '--encrypt', '--pad', '--mode', 'ctr', '--key', SECRET, '--iv', IV16, '--hex', '00'], /--pad applies to --mode ecb and cbc only/],
    ['sm4 partial block without --pad', [...enc, '--key', SECRET, '--hex', '00'], /--hex expected a multiple of 16 bytes without --pad, got 1 byte$/m],
    ['sm4-mac key of 8 bytes', ['crypto', 'sm4-mac', '--key', SECRET.slice(0, 16), '--hex', '00'], /--key expected 16 bytes, got 8 bytes/],
    ['des key of 10 bytes', ['crypto', 'des', '--encrypt', '--mode', 'ecb', '--key', SECRET.slice(0, 20), '--hex', '00'.repeat(8)], /--key expected 8, 16 or 24 bytes, got 10 bytes/],
    ['des iv of 16 bytes', ['crypto', 'des', '--encrypt', '--mode', 'cbc', '--key', SECRET, '--iv', IV16, '--hex', '00'.repeat(8)], /--iv expected 8 bytes, got 16 bytes/],
    ['des --iv with ecb', ['crypto', 'des', '--encrypt', '--mode', 'ecb', '--key', SECRET, '--iv', IV16.slice(0, 16), '--hex', '00'.repeat(8)], /--iv is not used with --mode ecb/],
    ['des ctr refused', ['crypto', 'des', '--encrypt', '--mode', 'ctr', '--key', SECRET, '--hex', '00'.repeat(8)], /Allowed choices are ecb, cbc/],
    ['des partial block', ['crypto', 'des', '--encrypt', '--mode', 'ecb', '--key', SECRET, '--hex', '00'.repeat(7)], /--hex expected a multiple of 8 bytes, got 7 bytes/],
    ['des-mac --alg 3 with 8-byte key', ['crypto', 'des-mac', '--alg', '3', '--key', SECRET.slice(0, 16), '--hex', '00'], /--key expected 16 bytes, got 8 bytes/],
    ['sm2 sign key of 16 bytes', ['crypto', 'sm2', 'sign', '--key', SECRET, '--hex', MSG], /--key expected 32 bytes, got 16 bytes/],
    // The crypto module's own range check: the scalar 0 is not a private key.
    ['sm2 sign key 0 (module RangeError)', ['crypto', 'sm2', 'sign', '--key', '00'.repeat(32), '--hex', MSG], /"privateKey" expected a scalar in \[1, n-2\]/],
    ['sm2 decrypt key of 31 bytes', ['crypto', 'sm2', 'decrypt', '--key', D.slice(0, 62), '--hex', '00'], /--key expected 32 bytes, got 31 bytes/],
    ['sm2 verify --pub off the curve', ['crypto', 'sm2', 'verify', '--pub', '04' + '00'.repeat(64), '--hex', MSG, '--sig', '00'.repeat(64)], /"--pub" is not a point on the SM2 curve/],
    ['sm2 verify --sig neither raw nor DER', ['crypto', 'sm2', 'verify', '--pub', PUB, '--hex', MSG, '--sig', '00'.repeat(63)], /--sig expected 64 bytes r‖s or a DER SEQUENCE/],
    ['sm2 verify --sig bad DER', ['crypto', 'sm2', 'verify', '--pub', PUB, '--hex', MSG, '--sig', '3003020101'], /--sig is not a valid DER SM2 signature/],
    ['sm2 encrypt empty message', ['crypto', 'sm2', 'encrypt', '--pub', PUB, '--hex', ''], /--hex must not be empty/],
    ['sm2 encrypt bad --mode', ['crypto', 'sm2', 'encrypt', '--pub', PUB, '--hex', MSG, '--mode', 'c2c1c3'], /Allowed choices are c1c3c2, c1c2c3/],
    ['option value missing', ['crypto', 'sm3', '--hex'], /option '--hex <hex>' argument missing/],
  ];

  it.each(cases)('%s', async (_name, argv, message) => {
    const r = await cli(argv);
    expectOneLineError(r, 2);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
    for (const secret of [SECRET, SECRET.slice(0, 16), D, D.slice(0, 16)]) expect(r.err).not.toContain(secret);
  });
});

// ---- the built binary ---------------------------------------------------------------------------

describe('the built `ssc3` binary', () => {
  const MAIN = join(ROOT, 'dist/terminal-sim/cli/main.js');
  let binDir: string;

  function newestSource(dir: string): number {
    let newest = 0;
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const st = statSync(full);
      if (st.isDirectory()) newest = Math.max(newest, newestSource(full));
      else if (name.endsWith('.ts')) newest = Math.max(newest, st.mtimeMs);
    }
    return newest;
  }
  const fresh = (): boolean => {
    try {
      return statSync(MAIN).mtimeMs >= Math.max(newestSource(join(ROOT, 'terminal-sim')), newestSource(join(ROOT, 'crypto')));
    } catch {
      return false;
    }
  };

  beforeAll(() => {
    if (!fresh()) {
      // tsc emits even when another, unrelated file has a type error; what matters here is that
      // the CLI was rebuilt. Type errors are `npm run typecheck`'s business.
      const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
      if (!fresh()) throw new Error(`npm run build did not produce a fresh ${MAIN}:\n${build.stdout}\n${build.stderr}`);
    }
    // What npm does when it installs the bin: executable, reached through a symlink named ssc3.
    chmodSync(MAIN, 0o755);
    binDir = mkdtempSync(join(tmpdir(), 'ssc3-bin-'));
    symlinkSync(MAIN, join(binDir, 'ssc3'));
  }, 120_000);
  afterAll(() => {
    if (binDir) rmSync(binDir, { recursive: true, force: true });
  });

  it('starts with the shebang and runs through a symlink on PATH: `echo -n abc | ssc3 crypto sm3`', () => {
    expect(readFileSync(MAIN, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    const r = spawnSync('sh', ['-c', 'printf abc | ssc3 crypto sm3'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${binDir}:${process.env.PATH ?? ''}` },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0\n');
  });

  it('exit codes: 2 for a usage error (one line, no stack), 1 for an invalid signature, 0 for valid', () => {
    const node = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });
    const bad = node('crypto', 'sm4', '--encrypt', '--mode', 'ecb', '--key', '0g', '--hex', '00');
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe('ssc3: "--key" has a non-hex character "g" at position 1\n');

    const sig = hex(sm2.sign(bytes(MSG), bytes(D)));
    const good = node('crypto', 'sm2', 'verify', '--pub', PUB, '--hex', MSG, '--sig', sig);
    expect([good.status, good.stdout, good.stderr]).toEqual([0, 'valid\n', '']);
    const wrong = node('crypto', 'sm2', 'verify', '--pub', PUB, '--hex', MSG + '00', '--sig', sig);
    expect([wrong.status, wrong.stdout, wrong.stderr]).toEqual([1, 'invalid\n', '']);
  });

  it('finds the shipped vectors from dist/ and passes them all', () => {
    const r = spawnSync(process.execPath, [MAIN, 'crypto', 'vectors'], { encoding: 'utf8', cwd: tmpdir() });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\n\d+ passed, 0 failed\n$/);
    expect(r.stdout).not.toContain('FAIL');
  });
});
