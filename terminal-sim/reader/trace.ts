/**
 * The APDU trace hook: every connect, command/response pair and disconnect a {@link Reader}
 * sees, with a label naming the command ('SELECT transit', 'DEBIT FOR CAPP PURCHASE'…), for
 * `ssc3 … --trace` and for transcripts.
 *
 * Never logs keys — by design, not by luck: the purse APDUs (DOMAIN.md §3) carry MACs, TACs,
 * randoms and counters but no key material, so they are traced in full. A command that would
 * carry secret data (a PIN, a key-loading APDU, a PSAM personalisation command) must be sent
 * with `{ sensitive: true }`; its data field and response data are then replaced by
 * `<n bytes redacted>` before any hook sees them, so a hook cannot leak what it never gets.
 */
import { bytesToHex } from '../../crypto/utils.js';

export type ApduTraceEvent =
  | { kind: 'connect'; reader: string; atr: string }
  | { kind: 'disconnect'; reader: string }
  | {
      kind: 'apdu';
      reader: string;
      /** What the command is ('READ RECORD 1A'…); undefined when the caller gave no label. */
      label: string | undefined;
      /** Command hex (data field redacted when sensitive). */
      command: string;
      /** Response hex (data ‖ SW; data redacted when sensitive); undefined when none came. */
      response: string | undefined;
      /** Why no response came (card removed, reader failure). */
      error: string | undefined;
      sensitive: boolean;
    };

/** Receives trace events; must not throw (a throwing hook is ignored). */
export type ApduTraceHook = (event: ApduTraceEvent) => void;

/** Hex of a command APDU, its data field replaced when `sensitive`. */
export function traceCommandHex(apdu: Uint8Array, sensitive: boolean): string {
  if (!sensitive || apdu.length <= 5) return bytesToHex(apdu);
  return `${bytesToHex(apdu.subarray(0, 5))}<${apdu.length - 5} bytes redacted>`;
}

/** Hex of a response, its data replaced when `sensitive`. */
export function traceResponseHex(resp: Uint8Array, sensitive: boolean): string {
  if (!sensitive || resp.length <= 2) return bytesToHex(resp);
  return `<${resp.length - 2} bytes redacted>${bytesToHex(resp.subarray(resp.length - 2))}`;
}

/** One human-readable line per event, e.g. `gate-in  SELECT transit  > 00a4… < 6f…9000`. */
export function formatTraceEvent(e: ApduTraceEvent): string {
  if (e.kind === 'connect') return `${e.reader}  connect  ATR ${e.atr}`;
  if (e.kind === 'disconnect') return `${e.reader}  disconnect`;
  const label = e.label ? `${e.label}  ` : '';
  const tail = e.response !== undefined ? `< ${e.response}` : `! ${e.error ?? 'no response'}`;
  return `${e.reader}  ${label}> ${e.command}  ${tail}`;
}
