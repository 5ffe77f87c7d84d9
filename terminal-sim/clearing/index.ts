/** terminal-sim/clearing — the transaction journal and TAC clearing. */
export { Journal } from './journal.js';
export type { JournalRecord, JournalSink } from './journal.js';
export { clear } from './clear.js';
export type { ClearingProblem, ClearingResult, RejectedRecord } from './clear.js';
