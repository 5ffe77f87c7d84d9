/**
 * The PSAM's part of a compound purchase (DOMAIN.md §3 "Gate flow" step 5), shared by the gate
 * and the bus validator: INIT SAM FOR PURCHASE from the card's INITIALIZE answer. A PSAM status
 * word is the terminal's fault, not the card's: it is wrapped so terminals rethrow it instead of
 * refusing the card.
 */
import { hexToBytes } from '../../crypto/utils.js';
import type { PsamClient } from '../psam/psam-client.js';
import type { InitSamForPurchaseResponse } from '../psam/psam-commands.js';
import { CardCommandError } from '../reader/command-errors.js';
import type { InitializeForPurchaseResponse } from '../transit/purse-purchase.js';

/** A PSAM command error: a terminal fault, rethrown to the caller rather than blamed on the card. */
export class PsamCommandError extends Error {
  constructor(override readonly cause: CardCommandError) {
    super(cause.message);
  }
}

/**
 * Runs `f`, turning a PSAM status-word error into a PsamCommandError. Not async: on the gate's
 * hot path a `.catch` costs one promise reaction, an async wrapper a whole frame more.
 */
export function onPsam<T>(f: () => Promise<T>): Promise<T> {
  return f().catch((e: unknown) => {
    throw e instanceof CardCommandError ? new PsamCommandError(e) : e;
  });
}

/** MAC1 and the terminal sequence number for the purchase the card just initialised. */
export function psamMac1(
  psam: PsamClient,
  init: InitializeForPurchaseResponse,
  t: { amountFen: number; type: number; date: Uint8Array; time: Uint8Array; serial: string; issuerId: string },
): Promise<InitSamForPurchaseResponse> {
  return onPsam(() =>
    psam.initForPurchase({
      random: init.random,
      offlineCounter: init.offlineCounter,
      amountFen: t.amountFen,
      type: t.type,
      date: t.date,
      time: t.time,
      keyVersion: init.keyVersion,
      algId: init.algId,
      appSerial: hexToBytes(t.serial),
      issuerId: hexToBytes(t.issuerId),
    }),
  );
}
