/**
 * terminal-sim/reader — how terminals reach cards: the {@link Reader} API, the
 * {@link ReaderSpi} transports implement, the in-process {@link MemoryReader}, the APDU trace
 * hook, and the card-command runner with its typed errors.
 */
export type { Reader, TransmitOptions } from './reader-api.js';
export type { ReaderSpi } from './reader-spi.js';
export { SpiReader } from './spi-reader.js';
export { MemoryReader, MemoryReaderSpi } from './memory-reader.js';
export { CardRemovedError, ReaderError } from './errors.js';
export { formatTraceEvent, traceCommandHex, traceResponseHex } from './trace.js';
export type { ApduTraceEvent, ApduTraceHook } from './trace.js';
export { exchange, expectLength, runCommand, swTable } from './card-command.js';
export type { CardCommand, SwTable } from './card-command.js';
export * from './command-errors.js';
