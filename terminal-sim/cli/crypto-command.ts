/**
 * `ssc3 crypto …`: the crypto primitives on the command line, in the manner of GmSSL's tools.
 * Hex in (strict: even length, no 0x, no spaces), lower-case hex out, one newline-terminated line.
 *
 *   sm3        GB/T 32905-2016 digest of --hex, --in FILE or standard input
 *   sm4        GB/T 32907-2016 ECB / CBC (PKCS#7 with --pad) / CTR (OpenSSL's counter)
 *   sm4-mac    ISO/IEC 9797-1 MAC algorithm 1 with SM4, zero ICV, padding 1 or 2 (16 bytes)
 *   sm2        GB/T 32918: keygen, sign / verify (Z_A with --id), encrypt / decrypt
 *   des        DES / 2- and 3-key 3DES, ECB and CBC, no padding (legacy 3DES purse profile)
 *   des-mac    ISO/IEC 9797-1 MAC algorithm 1 or 3 (retail MAC), padding 1 or 2 (8 bytes)
 *   vectors    the shipped known-answer vectors
 *
 * Keys are read from the command line for a simulator's convenience; they are never echoed back,
 * in output or in errors.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import * as des from '../../crypto/des.js';
import * as sm2 from '../../crypto/sm2.js';
import { sm3 } from '../../crypto/sm3.js';
import * as sm4 from '../../crypto/sm4.js';
import { bytesToHex } from '../../crypto/utils.js';
import { byteCount, CliError, EXIT_FAILURE, hexOption, type CliContext, type RegisterCommand } from './io.js';
import { findPackageRoot } from './package-root.js';
import { runVectors } from './vectors-runner.js';

const SM4_KEY_LEN = 16;
const SM4_BLOCK_LEN = 16;
const DES_BLOCK_LEN = 8;
const DES_KEY_LENS = [8, 16, 24];
const SM2_PRIVATE_KEY_LEN = 32;
const SM2_PUBLIC_KEY_LENS = [65, 33];
const SM2_SIGNATURE_LEN = 64;
const DER_SEQUENCE = 0x30;

/** Registers `crypto` and its subcommands on `program`. */
export const registerCryptoCommand: RegisterCommand = (program, ctx) => {
  const crypto = program
    .command('crypto')
    .description('SM2 / SM3 / SM4 and legacy DES primitives: hex in, lower-case hex out');
  addSm3(crypto, ctx);
  addSm4(crypto, ctx);
  addSm4Mac(crypto, ctx);
  addSm2(crypto, ctx);
  addDes(crypto, ctx);
  addDesMac(crypto, ctx);
  addVectors(crypto, ctx);
};

function line(ctx: CliContext, bytes: Uint8Array): void {
  ctx.io.stdout(bytesToHex(bytes) + '\n');
}

// `--encrypt` / `--decrypt`: exactly one. Commander reports both together; neither is ours.
function directionOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--encrypt', 'encrypt --hex').conflicts('decrypt'))
    .addOption(new Option('--decrypt', 'decrypt --hex'));
}

function direction(o: { encrypt?: boolean; decrypt?: boolean }): 'encrypt' | 'decrypt' {
  if (o.encrypt) return 'encrypt';
  if (o.decrypt) return 'decrypt';
  throw new CliError('one of --encrypt or --decrypt is required');
}

function ivFor(mode: string, iv: string | undefined, ivLen: number): Uint8Array | undefined {
  if (mode === 'ecb') {
    if (iv !== undefined) throw new CliError('--iv is not used with --mode ecb');
    return undefined;
  }
  if (iv === undefined) throw new CliError(`--iv is required with --mode ${mode}`);
  return hexOption('--iv', iv, ivLen);
}

// ---------------------------------------------------------------------------------------------

interface Sm3Opts {
  hex?: string;
  in?: string;
}

function addSm3(crypto: Command, ctx: CliContext): void {
  crypto
    .command('sm3')
    .description('SM3 digest (32 bytes) of --hex, of --in FILE, or of standard input')
    .addOption(new Option('--hex <hex>', 'the message, as hex').conflicts('in'))
    .option('--in <file>', 'read the message from FILE (raw bytes)')
    .action(async (o: Sm3Opts) => {
      let msg: Uint8Array;
      if (o.hex !== undefined) msg = hexOption('--hex', o.hex);
      else if (o.in !== undefined) msg = readInput(o.in);
      else msg = await ctx.io.readStdin();
      line(ctx, sm3(msg));
    });
}

function readInput(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new CliError(`cannot read --in ${JSON.stringify(file)}: ${code}`);
  }
}

// ---------------------------------------------------------------------------------------------

interface Sm4Opts {
  encrypt?: boolean;
  decrypt?: boolean;
  mode: 'ecb' | 'cbc' | 'ctr';
  key: string;
  iv?: string;
  pad?: boolean;
  hex: string;
}

function addSm4(crypto: Command, ctx: CliContext): void {
  directionOptions(crypto.command('sm4').description('SM4 encryption or decryption (ECB, CBC, CTR)'))
    .addOption(new Option('--mode <mode>', 'block cipher mode').choices(['ecb', 'cbc', 'ctr']).makeOptionMandatory())
    .requiredOption('--key <hex>', 'the 16-byte key')
    .option('--iv <hex>', 'the 16-byte IV (cbc) or initial counter block (ctr); refused with ecb')
    .option('--pad', 'PKCS#7 padding (ecb and cbc): added on encryption, checked and removed on decryption')
    .requiredOption('--hex <hex>', 'the input, as hex')
    .action((o: Sm4Opts) => {
      const dir = direction(o);
      if (o.pad && o.mode === 'ctr') throw new CliError('--pad applies to --mode ecb and cbc only (ctr needs no padding)');
      const key = hexOption('--key', o.key, SM4_KEY_LEN);
      const iv = ivFor(o.mode, o.iv, SM4_BLOCK_LEN);
      const data = hexOption('--hex', o.hex);
      const padding = o.pad ? 'pkcs7' : 'none';
      if (o.mode !== 'ctr' && data.length % SM4_BLOCK_LEN !== 0 && (dir === 'decrypt' || !o.pad)) {
        throw new CliError(`--hex expected a multiple of 16 bytes${dir === 'encrypt' ? ' without --pad' : ''}, got ${byteCount(data.length)}`);
      }
      if (o.pad && dir === 'decrypt' && data.length === 0) throw new CliError('--hex expected at least one block with --pad, got 0 bytes');
      let out: Uint8Array;
      try {
        if (o.mode === 'ctr') out = sm4.ctr(key, iv!, data);
        else if (o.mode === 'ecb') out = dir === 'encrypt' ? sm4.ecbEncrypt(key, data, { padding }) : sm4.ecbDecrypt(key, data, { padding });
        else out = dir === 'encrypt' ? sm4.cbcEncrypt(key, iv!, data, { padding }) : sm4.cbcDecrypt(key, iv!, data, { padding });
      } catch (e) {
        // The only non-argument failure: a PKCS#7 padding that does not check (wrong key or data).
        if (e instanceof RangeError || e instanceof TypeError) throw e;
        throw new CliError(`decryption failed: ${(e as Error).message}`, EXIT_FAILURE);
      } finally {
        key.fill(0);
      }
      line(ctx, out);
    });
}

// ---------------------------------------------------------------------------------------------

interface MacOpts {
  key: string;
  hex: string;
  padding: 'm1' | 'm2';
}

function addSm4Mac(crypto: Command, ctx: CliContext): void {
  crypto
    .command('sm4-mac')
    .description('SM4 CBC-MAC: ISO/IEC 9797-1 MAC algorithm 1, zero ICV, untruncated (16 bytes)')
    .requiredOption('--key <hex>', 'the 16-byte key')
    .requiredOption('--hex <hex>', 'the data, as hex')
    .addOption(new Option('--padding <method>', 'ISO/IEC 9797-1 padding method 1 (zeros) or 2 (80 00…)').choices(['m1', 'm2']).default('m2'))
    .action((o: MacOpts) => {
      const key = hexOption('--key', o.key, SM4_KEY_LEN);
      const data = hexOption('--hex', o.hex);
      const mac = sm4.cbcMac(key, data, { padding: o.padding === 'm1' ? 'iso9797-m1' : 'iso9797-m2' });
      key.fill(0);
      line(ctx, mac);
    });
}

// ---------------------------------------------------------------------------------------------

interface Sm2SignOpts {
  key: string;
  id?: string;
  hex: string;
  der?: boolean;
}

interface Sm2VerifyOpts {
  pub: string;
  id?: string;
  hex: string;
  sig: string;
}

interface Sm2CipherOpts {
  pub?: string;
  key?: string;
  hex: string;
  mode: sm2.CipherMode;
}

const ID_HELP = 'the signer\'s ID for Z_A, as text (default "1234567812345678", GM/T 0009)';
const CIPHER_MODE_HELP = 'ciphertext order: c1c3c2 (GB/T 32918.4-2016) or c1c2c3 (GM/T 0003-2012 draft)';

function addSm2(crypto: Command, ctx: CliContext): void {
  const group = crypto.command('sm2').description('SM2 key generation, signatures (with Z_A) and public-key encryption');

  group
    .command('keygen')
    .description('a fresh key pair, printed as "<private 32 bytes> <public 04‖X‖Y>"')
    .action(() => {
      const d = sm2.randomPrivateKey();
      ctx.io.stdout(`${bytesToHex(d)} ${bytesToHex(sm2.getPublicKey(d))}\n`);
      d.fill(0);
    });

  group
    .command('sign')
    .description('signature of --hex: r‖s (64 bytes), or DER with --der')
    .requiredOption('--key <hex>', 'the 32-byte private key')
    .option('--id <text>', ID_HELP)
    .requiredOption('--hex <hex>', 'the message, as hex (hashed with Z_A; not a digest)')
    .option('--der', 'print the signature DER-encoded (SEQUENCE { r, s }, GM/T 0009)')
    .action((o: Sm2SignOpts) => {
      const key = hexOption('--key', o.key, SM2_PRIVATE_KEY_LEN);
      const msg = hexOption('--hex', o.hex);
      const sig = sm2.sign(msg, key, { userId: o.id });
      key.fill(0);
      line(ctx, o.der ? sm2.signatureToDer(sig) : sig);
    });

  group
    .command('verify')
    .description('prints "valid" (exit 0) or "invalid" (exit 1)')
    .requiredOption('--pub <hex>', 'the public key, 04‖X‖Y or compressed 02/03‖X')
    .option('--id <text>', ID_HELP)
    .requiredOption('--hex <hex>', 'the message, as hex')
    .requiredOption('--sig <hex>', 'the signature: 64-byte r‖s or DER')
    .action((o: Sm2VerifyOpts) => {
      const pub = hexOption('--pub', o.pub, ...SM2_PUBLIC_KEY_LENS);
      sm2.decodePoint(pub, '--pub');
      const msg = hexOption('--hex', o.hex);
      const sig = signatureOption(hexOption('--sig', o.sig));
      const valid = sm2.verify(sig, msg, pub, { userId: o.id });
      ctx.io.stdout(valid ? 'valid\n' : 'invalid\n');
      if (!valid) ctx.exitCode = EXIT_FAILURE;
    });

  group
    .command('encrypt')
    .description('SM2 encryption of --hex to the public key --pub')
    .requiredOption('--pub <hex>', 'the public key, 04‖X‖Y or compressed 02/03‖X')
    .requiredOption('--hex <hex>', 'the plaintext, as hex (at least one byte)')
    .addOption(new Option('--mode <order>', CIPHER_MODE_HELP).choices(['c1c3c2', 'c1c2c3']).default('c1c3c2'))
    .action((o: Sm2CipherOpts) => {
      const pub = hexOption('--pub', o.pub!, ...SM2_PUBLIC_KEY_LENS);
      sm2.decodePoint(pub, '--pub');
      const msg = hexOption('--hex', o.hex);
      if (msg.length === 0) throw new CliError('--hex must not be empty: SM2 encryption needs at least one byte');
      line(ctx, sm2.encrypt(pub, msg, { mode: o.mode }));
    });

  group
    .command('decrypt')
    .description('SM2 decryption; a ciphertext whose C3 does not check is refused (exit 1)')
    .requiredOption('--key <hex>', 'the 32-byte private key')
    .requiredOption('--hex <hex>', 'the ciphertext, as hex')
    .addOption(new Option('--mode <order>', CIPHER_MODE_HELP).choices(['c1c3c2', 'c1c2c3']).default('c1c3c2'))
    .action((o: Sm2CipherOpts) => {
      const key = hexOption('--key', o.key!, SM2_PRIVATE_KEY_LEN);
      const ct = hexOption('--hex', o.hex);
      let pt: Uint8Array;
      try {
        pt = sm2.decrypt(key, ct, { mode: o.mode });
      } catch (e) {
        if (e instanceof sm2.Sm2DecryptError) throw new CliError(`decryption failed: ${e.message}`, EXIT_FAILURE);
        throw e;
      } finally {
        key.fill(0);
      }
      line(ctx, pt);
    });
}

/** r‖s from a raw (64 bytes) or DER (0x30 tag, any other length) signature. */
function signatureOption(sig: Uint8Array): Uint8Array {
  if (sig.length === SM2_SIGNATURE_LEN) return sig;
  if (sig[0] !== DER_SEQUENCE) throw new CliError(`--sig expected 64 bytes r‖s or a DER SEQUENCE (30…), got ${byteCount(sig.length)}`);
  try {
    return sm2.signatureFromDer(sig);
  } catch (e) {
    throw new CliError(`--sig is not a valid DER SM2 signature (${(e as Error).message.replace(/^"der" /, '')})`);
  }
}

// ---------------------------------------------------------------------------------------------

interface DesOpts {
  encrypt?: boolean;
  decrypt?: boolean;
  mode: 'ecb' | 'cbc';
  key: string;
  iv?: string;
  hex: string;
}

function addDes(crypto: Command, ctx: CliContext): void {
  directionOptions(crypto.command('des').description('DES (8-byte key) or 3DES EDE (16- or 24-byte key), ECB or CBC, no padding'))
    .addOption(new Option('--mode <mode>', 'block cipher mode').choices(['ecb', 'cbc']).makeOptionMandatory())
    .requiredOption('--key <hex>', 'the key: 8 (DES), 16 (2-key 3DES) or 24 bytes (3-key 3DES)')
    .option('--iv <hex>', 'the 8-byte IV (cbc); refused with ecb')
    .requiredOption('--hex <hex>', 'the input, as hex (a multiple of 8 bytes)')
    .action((o: DesOpts) => {
      const dir = direction(o);
      const key = hexOption('--key', o.key, ...DES_KEY_LENS);
      const iv = ivFor(o.mode, o.iv, DES_BLOCK_LEN);
      const data = hexOption('--hex', o.hex);
      if (data.length % DES_BLOCK_LEN !== 0) throw new CliError(`--hex expected a multiple of 8 bytes, got ${byteCount(data.length)}`);
      let out: Uint8Array;
      if (o.mode === 'ecb') out = dir === 'encrypt' ? des.ecbEncrypt(key, data) : des.ecbDecrypt(key, data);
      else out = dir === 'encrypt' ? des.cbcEncrypt(key, iv!, data) : des.cbcDecrypt(key, iv!, data);
      key.fill(0);
      line(ctx, out);
    });
}

interface DesMacOpts extends MacOpts {
  alg: '1' | '3';
}

function addDesMac(crypto: Command, ctx: CliContext): void {
  crypto
    .command('des-mac')
    .description('ISO/IEC 9797-1 CBC-MAC with DES / 3DES, zero ICV, untruncated (8 bytes; the purse keeps the first 4)')
    .requiredOption('--key <hex>', 'the key: 8, 16 or 24 bytes for --alg 1; 16 bytes K‖K\' for --alg 3')
    .requiredOption('--hex <hex>', 'the data, as hex')
    .addOption(new Option('--padding <method>', 'ISO/IEC 9797-1 padding method 1 (zeros) or 2 (80 00…)').choices(['m1', 'm2']).default('m2'))
    .addOption(new Option('--alg <n>', 'MAC algorithm 1 (plain CBC-MAC) or 3 (ANSI X9.19 retail MAC)').choices(['1', '3']).default('1'))
    .action((o: DesMacOpts) => {
      const key = o.alg === '3' ? hexOption('--key', o.key, 16) : hexOption('--key', o.key, ...DES_KEY_LENS);
      const data = hexOption('--hex', o.hex);
      const mac = o.alg === '3' ? des.mac9797Alg3(key, data, { padding: o.padding }) : des.mac9797Alg1(key, data, { padding: o.padding });
      key.fill(0);
      line(ctx, mac);
    });
}

// ---------------------------------------------------------------------------------------------

function addVectors(crypto: Command, ctx: CliContext): void {
  crypto
    .command('vectors')
    .description('run the shipped known-answer vectors: "PASS <id>" or "FAIL <id>: <what differed>" per vector; exit 0 only if all pass')
    .option('--dir <dir>', 'the vectors directory (default: the one shipped with the package)')
    .action((o: { dir?: string }) => {
      const dir = o.dir !== undefined ? resolve(o.dir) : defaultVectorsDir();
      const { passed, failed } = runVectors(dir, (r) => ctx.io.stdout(r.ok ? `PASS ${r.id}\n` : `FAIL ${r.id}: ${r.detail}\n`));
      ctx.io.stdout(`${passed} passed, ${failed} failed\n`);
      if (failed > 0 || passed === 0) ctx.exitCode = EXIT_FAILURE;
    });
}

export function defaultVectorsDir(): string {
  const root = findPackageRoot(import.meta.url);
  if (root === undefined) throw new CliError('cannot find the ssc3-sim package directory; pass --dir');
  return join(root, 'vectors');
}
