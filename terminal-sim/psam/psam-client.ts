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
      await selectPsamApplication(this.reader);
    }
    return this.id.slice();
  }

  /** The terminal id (hex) once opened. */
  get terminalIdHex(): string | undefined {
    return this.id && bytesToHex(this.id);
  }

  /** INIT SAM FOR PURCHASE (opening the PSAM first if needed). @throws as psam-commands. */
  async initForPurchase(req: InitSamForPurchaseRequest): Promise<InitSamForPurchaseResponse> {
    await this.open();
    return initSamForPurchase(this.reader, req);
  }

  /** CREDIT SAM FOR PURCHASE. @throws as psam-commands. */
  async creditForPurchase(mac2: Uint8Array): Promise<void> {
    return creditSamForPurchase(this.reader, mac2);
  }
}
