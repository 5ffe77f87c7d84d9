// Types for the part of sm-crypto 0.5.x (an untyped CommonJS package) that the SM2 interop tests
// call. Written from node_modules/sm-crypto/src/sm2/index.js: messages are UTF-8 strings or arrays
// of bytes, keys and results are hex, and ciphertexts carry C1 without its leading 04.
declare module 'sm-crypto' {
  interface SmCryptoKeyPair {
    privateKey: string;
    publicKey: string;
  }
  interface SmCryptoSm2 {
    generateKeyPairHex(): SmCryptoKeyPair;
    getPublicKeyFromPrivateKey(privateKey: string): string;
    compressPublicKeyHex(publicKey: string): string;
    verifyPublicKey(publicKey: string): boolean;
    doSignature(
      msg: string | ArrayLike<number>,
      privateKey: string,
      opts?: { hash?: boolean; der?: boolean; userId?: string; publicKey?: string },
    ): string;
    doVerifySignature(msg: string | ArrayLike<number>, signHex: string, publicKey: string, opts?: { hash?: boolean; der?: boolean; userId?: string }): boolean;
    /** cipherMode 1 = C1‖C3‖C2 (default), 0 = C1‖C2‖C3. */
    doEncrypt(msg: string | ArrayLike<number>, publicKey: string, cipherMode?: 0 | 1): string;
    /** Returns [] (or '') when C3 does not match. */
    doDecrypt(encryptData: string, privateKey: string, cipherMode: 0 | 1, opts: { output: 'array' }): number[];
  }
  const smCrypto: { sm2: SmCryptoSm2 };
  export default smCrypto;
}
