/**
 * A terminal's handle on its PSAM slot: opens the PSAM on first use (connect, read the
 * terminal id from 0016, select the purchase DF) and again after the PSAM was reset or removed,
 * then runs INIT / CREDIT SAM FOR PURCHASE.
 */
import { bytesToHex } from '../../crypto/utils.js';
import type { Reader } from '../reader/reader-api.js';
import {
  creditSamForPurchase,
  initSamForPurchase,
  readPsamTerminalId,
  selectPsamApplication,
  type InitSamForPurchaseRequest,
  type InitSamForPurchaseResponse,
} from './psam-commands.js';

export class PsamClient {
  private id: Uint8Array | undefined;
  // The hex is what journals and pending records carry: built once per opening, not per tap.
  private idHex: string | undefined;

  constructor(readonly reader: Reader) {}

  /**
   * Powers and opens the PSAM when it is not connected.
   * @returns the 6-byte terminal id.
   * @throws CardRemovedError (no PSAM in the slot), ReaderError, CardCommandError.
   */
  async open(): Promise<Uint8Array> {
    if (!this.reader.isConnected || !this.id) {
      await this.reader.connect();
      this.id = await readPsamTerminalId(this.reader);
      this.idHex = bytesToHex(this.id);
      await selectPsamApplication(this.reader);
    }
    return this.id.slice();
  }

  /** The terminal id (hex) once opened. */
  get terminalIdHex(): string | undefined {
    return this.id && this.idHex;
  }

  /** The terminal id while the PSAM is open (a copy), else undefined (then call open()). */
  get openTerminalId(): Uint8Array | undefined {
    return this.reader.isConnected && this.id ? this.id.slice() : undefined;
  }

  /** INIT SAM FOR PURCHASE (opening the PSAM first if needed). @throws as psam-commands. */
  initForPurchase(req: InitSamForPurchaseRequest): Promise<InitSamForPurchaseResponse> {
    // Not async: an open PSAM (every tap but the first) goes straight to the command, one
    // async frame less (see runBuiltCommand).
    if (this.reader.isConnected && this.id) return initSamForPurchase(this.reader, req);
    return this.open().then(() => initSamForPurchase(this.reader, req));
  }

  /** CREDIT SAM FOR PURCHASE. @throws as psam-commands. */
  creditForPurchase(mac2: Uint8Array): Promise<void> {
    return creditSamForPurchase(this.reader, mac2);
  }
}
