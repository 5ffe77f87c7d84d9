/**
 * Framing of the vsmartcard vpcd protocol (DOMAIN.md §8; vsmartcard virtualsmartcard/src/vpcd/
 * vpcd.c and doc/api.txt, as summarised in shared/reference/pcsc/README.md §2): every message,
 * in both directions, is a 2-byte big-endian length followed by that many payload bytes.
 *
 * TCP keeps no message boundaries, and Debian bookworm's vpcd (0.8 code) even writes the length
 * and the payload with two separate send() calls, so a message can arrive split over several
 * reads or several messages in one read. {@link VpcdFrameDecoder} reassembles them in O(n).
 */

/** Largest payload the 16-bit length can carry. */
export const VPCD_MAX_PAYLOAD_LEN = 0xffff;

/** Control codes of 1-byte vpcd → vicc messages. */
export const VPCD_CTRL = {
  POWER_OFF: 0x00,
  POWER_ON: 0x01,
  RESET: 0x02,
  GET_ATR: 0x04,
} as const;

/**
 * Encodes one message as length ‖ payload, in a single buffer so that it goes out in one send()
 * (avoids the Nagle/delayed-ACK stall of README pitfall 1 on our side).
 * @throws TypeError if payload is not a Uint8Array; RangeError if it is longer than 65535 bytes.
 */
export function encodeVpcdFrame(payload: Uint8Array): Uint8Array {
  if (!(payload instanceof Uint8Array)) throw new TypeError('"payload" expected Uint8Array');
  if (payload.length > VPCD_MAX_PAYLOAD_LEN) {
    throw new RangeError(`"payload" expected Uint8Array of length <= ${VPCD_MAX_PAYLOAD_LEN}, got length=${payload.length}`);
  }
  const out = new Uint8Array(2 + payload.length);
  out[0] = payload.length >>> 8;
  out[1] = payload.length & 0xff;
  out.set(payload, 2);
  return out;
}

/**
 * Incremental decoder: feed it whatever a socket read returned, get back the complete payloads
 * in order. Each returned payload is a fresh copy (never a view of the caller's chunk). A
 * zero-length message is returned as an empty array; the caller decides what it means.
 */
export class VpcdFrameDecoder {
  /** Header bytes collected so far for the current message (0, 1 or 2). */
  private headerLen = 0;
  private lenHi = 0;
  /** Payload of the message being assembled, once its header is complete. */
  private payload: Uint8Array | undefined;
  private filled = 0;

  /**
   * Consumes one chunk; returns every message it completed (possibly none).
   * @throws TypeError if chunk is not a Uint8Array.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('"chunk" expected Uint8Array');
    const out: Uint8Array[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.payload === undefined) {
        if (this.headerLen === 0) {
          this.lenHi = chunk[i++];
          this.headerLen = 1;
          continue;
        }
        const len = (this.lenHi << 8) | chunk[i++];
        this.headerLen = 0;
        if (len === 0) {
          out.push(new Uint8Array(0));
          continue;
        }
        this.payload = new Uint8Array(len);
        this.filled = 0;
      }
      const take = Math.min(this.payload.length - this.filled, chunk.length - i);
      this.payload.set(chunk.subarray(i, i + take), this.filled);
      this.filled += take;
      i += take;
      if (this.filled === this.payload.length) {
        out.push(this.payload);
        this.payload = undefined;
      }
    }
    return out;
  }

  /** Bytes of an incomplete message held back (header included); 0 between messages. */
  get pendingLen(): number {
    return this.payload ? 2 + this.filled : this.headerLen;
  }

  /** Drops any partial message (after a disconnect). */
  reset(): void {
    this.headerLen = 0;
    this.payload = undefined;
    this.filled = 0;
  }
}
