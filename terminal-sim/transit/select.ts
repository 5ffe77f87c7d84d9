/**
 * SELECT of the transit application (ISO/IEC 7816-4 §11.2.2; DOMAIN.md §3: AID
 * A000000632010105, the FCI carries EF 0015 in tag 9F0C): `00 A4 04 00 08 <AID> 00`, response
 * 6F { 84 AID, A5 { 9F0C <EF 0015> } }.
 */
import { SW, TRANSIT_AID, tlv } from '../../engine/index.js';
import { bytesToHex, concatBytes, hexToBytes } from '../../crypto/utils.js';
import { runCommand, swTable } from '../reader/card-command.js';
import { ApplicationBlockedError, ApplicationLockedError, FileNotFoundError } from '../reader/command-errors.js';
import type { Reader } from '../reader/reader-api.js';
import { EF15_LAYOUT, type IssuerInfo } from './files.js';

export interface TransitSelection {
  /** The AID the card reports (tag 84), hex. */
  aid: string;
  /** EF 0015 from tag 9F0C. */
  issuer: IssuerInfo;
}

const SELECT_ERRORS = swTable(
  [SW.FILE_NOT_FOUND, FileNotFoundError], // no transit application on this card
  [SW.APPLICATION_BLOCKED, ApplicationBlockedError], // blacklisted (DOMAIN.md §3: 6A81)
  [SW.APPLICATION_LOCKED, ApplicationLockedError],
);

/** Parses the FCI. @throws RangeError for a malformed FCI. */
export function parseTransitFci(data: Uint8Array): TransitSelection {
  const fci = tlv.decodeOneTlv(data);
  if (fci.tag !== 0x6f) throw new RangeError(`FCI: expected tag 6f, got ${tlv.tagHex(fci.tag)}`);
  const aid = tlv.findTlv([fci], 0x6f, 0x84);
  const ef15 = tlv.findTlv([fci], 0x6f, 0xa5, 0x9f0c);
  if (!aid) throw new RangeError('FCI: no tag 84 (DF name)');
  if (!ef15) throw new RangeError('FCI: no tag 9f0c (EF 0015) under a5');
  return { aid: bytesToHex(aid.value), issuer: EF15_LAYOUT.decode(ef15.value) };
}

/**
 * SELECT transit AID.
 * @returns the AID and EF 0015.
 * @throws ApplicationBlockedError (6A81), FileNotFoundError (6A82), ApplicationLockedError
 *   (9303); MalformedResponseError for a bad FCI; CardRemovedError / ReaderError.
 */
export async function selectTransitApplication(reader: Reader): Promise<TransitSelection> {
  const aid = hexToBytes(TRANSIT_AID);
  return runCommand(reader, {
    name: 'SELECT transit',
    apdu: concatBytes(Uint8Array.of(0x00, 0xa4, 0x04, 0x00, aid.length), aid, Uint8Array.of(0x00)),
    errors: SELECT_ERRORS,
    parse: parseTransitFci,
  });
}
