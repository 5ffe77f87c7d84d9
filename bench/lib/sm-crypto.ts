// sm-crypto 0.5 (JuneAndGreen/sm-crypto: CommonJS, untyped), loaded through require with types for
// the calls the benchmark makes. Not an ambient `declare module 'sm-crypto'`: the tests declare
// one of their own (test/crypto/support), and two ambient declarations of one module collide in
// the typecheck program, which includes both bench/ and test/.
import { createRequire } from 'node:module';

type Bytes = Uint8Array | number[];

interface SignOptions {
  hash?: boolean;
  publicKey?: string;
  userId?: string;
}

export interface SmCrypto {
  sm2: {
    /** r‖s as 128 hex digits. */
    doSignature(msg: string | Bytes, privateKey: string, opts?: SignOptions): string;
    doVerifySignature(msg: string | Bytes, signature: string, publicKey: string, opts?: Omit<SignOptions, 'publicKey'>): boolean;
    /** cipherMode 1: C1 (X‖Y, no 04 prefix) ‖ C3 ‖ C2, in hex. */
    doEncrypt(msg: string | Bytes, publicKey: string, cipherMode?: 0 | 1): string;
    /** An empty array when C3 does not match. */
    doDecrypt(data: string, privateKey: string, cipherMode: 0 | 1, opts: { output: 'array' }): number[];
  };
  /** SM3 as 64 hex digits. */
  sm3(input: string | Bytes): string;
  sm4: {
    encrypt(
      data: string | Bytes,
      key: string | Bytes,
      opts: { padding?: 'pkcs#7' | 'none'; mode?: 'ecb' | 'cbc'; iv?: string | Bytes; output: 'array' },
    ): number[];
  };
}

export const smCrypto = createRequire(import.meta.url)('sm-crypto') as SmCrypto;
