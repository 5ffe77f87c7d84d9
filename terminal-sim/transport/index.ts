/**
 * Transports that carry APDUs between a simulated card and the outside world. vpcd: the card
 * side of the vsmartcard virtual reader driver, for real PC/SC clients (DOMAIN.md §8). PC/SC: the
 * terminal side, a reader SPI over pcscd (optional native package `pcsclite`, loaded lazily).
 */
export { VpcdSlot, VPCD_BASE_PORT } from './vpcd.js';
export type { CardLike, VpcdCloseReason, VpcdEvent, VpcdSlotOptions, VpcdSlotState, VpcdSlotStats } from './vpcd.js';
export { VpcdFrameDecoder, encodeVpcdFrame, VPCD_CTRL, VPCD_MAX_PAYLOAD_LEN } from './vpcd-frame.js';
export { PcscReader, PcscReaderSpi, findPcscReader, loadPcsclite, mapPcscError, pcscErrorCode, pcscliteAvailable, PCSCLITE_PACKAGE } from './pcsc-reader.js';
export type { PcscliteCardReader, PcscliteContext, PcscReaderOpenOptions, PcscReaderOptions } from './pcsc-reader.js';
