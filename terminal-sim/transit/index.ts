/**
 * terminal-sim/transit — the terminal side of the transit application (JT/T 978 purse,
 * DOMAIN.md §3): one function per card command, each with its table of expected status words,
 * and codecs for the files and records (0015–0018, the 1A state record, the 1E travel log).
 */
export { selectTransitApplication, parseTransitFci } from './select.js';
export type { TransitSelection } from './select.js';
export { readIssuerInfo, readHolderInfo, readInteropInfo, readTransactionLog, readTransitRecord, readTravelRecord } from './read-commands.js';
export type { TransitRecordRead } from './read-commands.js';
export { getBalance, getTransactionProve } from './purse-query.js';
export type { TransactionProof } from './purse-query.js';
export { initializeForLoad, creditForLoad, initializeData } from './purse-load.js';
export type { InitializeRequest, InitializeForLoadResponse } from './purse-load.js';
export { initializeForPurchase, initializeForCappPurchase, updateCappDataCache, cappDataCacheCommand, sendCappDataCache, CAPP_CACHE_RECORD_OFFSET, debitForPurchase, terminalSeqBytes } from './purse-purchase.js';
export type { InitializeForPurchaseResponse, CappCacheUpdate, DebitRequest } from './purse-purchase.js';
export * from './files.js';
export * from './compound-record.js';
export * from './travel-record.js';
export { RecordLayout } from './record-layout.js';
export type { FieldSpec } from './record-layout.js';
export { BEIJING_OFFSET_MS, beijingDateTime, bcdDateTime, dateTimeDigits, digitsToMs, isZeroDigits } from './datetime.js';
