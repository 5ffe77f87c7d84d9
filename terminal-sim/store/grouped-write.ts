/**
 * A grouped save (CardStore.saveChangeAndJournalGrouped) as both stores queue and settle it:
 * the arguments checked before the save is queued, the batch's late terminal states, and each
 * save's promise settled with its own result. Internal to terminal-sim/store/.
 */
import type { JournalRecord } from '../clearing/journal.js';
import type { CardImageChange, LateTerminalStateWrite } from './card-store.js';
import { checkCardId, checkVersion, jsonText } from './_validate.js';

/** A save waiting for the next group commit. */
export interface GroupedWrite {
  id: string;
  change: CardImageChange;
  /** The patch's JSON text ('{}' for none). */
  patchText: string;
  records: readonly JournalRecord[];
  expected: number;
  terminal: LateTerminalStateWrite | undefined;
  resolve: (version: number) => void;
  reject: (e: unknown) => void;
}

/** The change's patch as JSON text. @throws TypeError when `change` is not a patch and an image maker. */
function patchTextOf(change: CardImageChange): string {
  if (!change || typeof change !== 'object' || typeof change.image !== 'function') throw new TypeError('"change" expected { patch, image() }');
  const p: unknown = change.patch;
  if (!p || typeof p !== 'object' || Array.isArray(p)) throw new TypeError('"change.patch" expected a merge patch object');
  return jsonText('change.patch', p);
}

/** A write's outcome in a batch: its new version, or why it failed alone. */
export type GroupedResult = number | { error: unknown };

/**
 * Checks a grouped save's arguments and builds its queue entry (the records themselves are
 * checked at the commit, with the write they belong to).
 * @throws TypeError, RangeError naming the argument
 */
export function groupedWrite(
  id: string,
  change: CardImageChange,
  records: readonly JournalRecord[],
  expected: number,
  terminal: LateTerminalStateWrite | undefined,
  settle: Pick<GroupedWrite, 'resolve' | 'reject'>,
): GroupedWrite {
  checkCardId(id);
  const patchText = patchTextOf(change);
  checkVersion(expected);
  if (!Array.isArray(records)) throw new TypeError('"records" expected an array');
  if (terminal) checkCardId(terminal.id);
  return { id, change, patchText, records, expected, terminal, resolve: settle.resolve, reject: settle.reject };
}

/** The batch's terminals with a late state, once each (the last write's, which covers the others'). */
export function lateTerminalsOf(batch: readonly GroupedWrite[]): Map<string, LateTerminalStateWrite> {
  const terminals = new Map<string, LateTerminalStateWrite>();
  for (const w of batch) if (w.terminal) terminals.set(w.terminal.id, w.terminal);
  return terminals;
}

/** Settles each write's promise with its result. */
export function settleBatch(batch: readonly GroupedWrite[], results: readonly GroupedResult[]): void {
  batch.forEach((w, i) => {
    const r = results[i];
    if (typeof r === 'number') w.resolve(r);
    else w.reject(r.error);
  });
}
