/**
 * Card storage (issue 5, "Storage"): the CardStore interface, the in-memory store for throwaway
 * runs, the embedded SQLite store (the default), and StoredCard — a card whose every change is
 * saved before its response leaves.
 */
export { CardNotFoundError, StoreConflictError, TerminalNotFoundError } from './card-store.js';
export type { CardImageChange, CardMeta, CardPage, CardStore, CardStoreOptions, CardSummaryRow, JournalQuery, JournalRow, StoredImage, StoreStats, LateTerminalStateWrite, TerminalKind, TerminalRow, TerminalStateWrite } from './card-store.js';
export { MemoryCardStore } from './memory-store.js';
export type { MemoryCardStoreOptions } from './memory-store.js';
export { SqliteCardStore } from './sqlite-store.js';
export type { SqliteCardStoreOptions } from './sqlite-store.js';
export { WalSyncFailedError } from './wal-sync.js';
export { MIGRATIONS, SCHEMA_VERSION } from './sqlite-schema.js';
export { StoredCard, StoredCardFailedError, swMayHaveWritten } from './stored-card.js';
export type { JournaledResult, StoredCardOptions } from './stored-card.js';
