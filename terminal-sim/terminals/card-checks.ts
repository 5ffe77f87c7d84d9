/**
 * What every transit terminal does between SELECT and its own business (DOMAIN.md §3 "Gate
 * flow", steps 2–3): the card's validity dates, EF 0017 interoperability and the 1A record the
 * terminal works on — and the Refusal that turns a failed check into the terminal's 'refused'
 * outcome (a refusal is an answer, not an error).
 */
import type { CardCommandError } from '../reader/command-errors.js';
import type { Reader } from '../reader/reader-api.js';
import { TRANSIT_RECORD_ID, type TransitRecord } from '../transit/compound-record.js';
import { readInteropInfo, readTransitRecord } from '../transit/read-commands.js';
import type { TransitSelection } from '../transit/select.js';

/** A terminal refuses the card: `reason` goes into its 'refused' outcome, the message is the detail. */
export class Refusal<R extends string = string> extends Error {
  constructor(
    readonly reason: R,
    detail: string,
    readonly error?: CardCommandError,
  ) {
    super(detail);
  }
}

/** The reasons checkTransitCard refuses for. */
export type CardCheckRefusal = 'expired' | 'not-interoperable' | 'bad-crc' | 'bad-record';

/**
 * Checks the selected card for a transaction on `today` (YYYYMMDD) and reads the 1A record the
 * terminal works on (record 01 rail, 02 bus). @throws Refusal<CardCheckRefusal>
 */
export async function checkTransitCard(card: Reader, sel: TransitSelection, today: string, recordId: (typeof TRANSIT_RECORD_ID)[keyof typeof TRANSIT_RECORD_ID]): Promise<TransitRecord> {
  if (today > sel.issuer.expiryDate) throw new Refusal<CardCheckRefusal>('expired', `card expired on ${sel.issuer.expiryDate}`);
  if (today < sel.issuer.startDate) throw new Refusal<CardCheckRefusal>('expired', `card not valid before ${sel.issuer.startDate}`);
  const interop = await readInteropInfo(card);
  if (interop.interopType === 0x0000) throw new Refusal<CardCheckRefusal>('not-interoperable', 'EF 0017 interop type 0000: not interoperable');
  const read = await readTransitRecord(card, recordId);
  if (!read.ok) throw new Refusal<CardCheckRefusal>(read.problem === 'bad-crc' ? 'bad-crc' : 'bad-record', read.detail);
  const rec = read.record;
  if (rec.recordId !== recordId) {
    const kind = recordId === TRANSIT_RECORD_ID.RAIL ? 'rail' : 'bus';
    throw new Refusal<CardCheckRefusal>('bad-record', `record ${recordId} of 1A has id ${rec.recordId}, expected 0${recordId} (${kind})`);
  }
  return rec;
}
