/**
 * The frame of every presentation at a transit terminal (DOMAIN.md §3 "Gate flow" step 1 and
 * what surrounds the terminal's own business): connect, SELECT the transit application, and
 * turn what ends a presentation early into the terminal's outcome — a Refusal (a blocked
 * application, 6A81 / 9303, or a card without it, 6A82, included: an answer, not a failure), a
 * card command error, the card pulled out — and disconnect whatever happens.
 */
import { ApplicationBlockedError, ApplicationLockedError, CardCommandError, FileNotFoundError } from '../reader/command-errors.js';
import { CardRemovedError } from '../reader/errors.js';
import type { Reader } from '../reader/reader-api.js';
import { selectTransitApplication, type TransitSelection } from '../transit/select.js';
import { Refusal } from './card-checks.js';
import { PsamCommandError } from './psam-step.js';

export interface SelectRefusal {
  refused: 'blocked' | 'not-transit-card';
  error: CardCommandError;
}

/** The selection, or why the terminal must refuse the card. */
export async function selectTransitOrRefusal(card: Reader): Promise<TransitSelection | SelectRefusal> {
  try {
    return await selectTransitApplication(card);
  } catch (e) {
    if (e instanceof ApplicationBlockedError || e instanceof ApplicationLockedError) return { refused: 'blocked', error: e };
    if (e instanceof FileNotFoundError) return { refused: 'not-transit-card', error: e };
    throw e;
  }
}

/** A terminal's 'refused' outcome: the reason, the card's serial when known, the detail. */
export interface RefusedOutcome<R extends string> {
  kind: 'refused';
  reason: R;
  serial?: string;
  detail: string;
  error?: CardCommandError;
}

/** The card left mid-flow; `pending` when the transaction's fate is unknown until it returns. */
export interface InterruptedOutcome {
  kind: 'interrupted';
  serial?: string;
  pending: boolean;
  detail: string;
}

export interface PresentationSteps<O> {
  /** Checks made before the card is touched (a Refusal thrown here refuses it untouched). */
  before?: () => void;
  /** Whether the card with this serial has a transaction pending (said with an interruption). */
  isPending(serial: string): boolean;
  /** The terminal's business with the selected card: settle what is pending, or transact. */
  business(sel: TransitSelection): Promise<O>;
}

/**
 * One presentation of the card in `card` (see the module comment). `R` is the terminal's refusal
 * reasons: every Refusal its business throws carries one of them (its typed constructor, or
 * checkTransitCard's, a subset), as do the selection's and 'card-error'.
 * @throws what the business throws besides those; a PSAM command error unwrapped to its cause.
 */
export async function presentTransitCard<O, R extends string>(card: Reader, steps: PresentationSteps<O>): Promise<O | RefusedOutcome<R> | InterruptedOutcome> {
  let serial: string | undefined;
  try {
    steps.before?.();
    await card.connect();
    const sel = await selectTransitOrRefusal(card);
    if ('refused' in sel) throw new Refusal(sel.refused, sel.error.message, sel.error);
    serial = sel.issuer.appSerial;
    return await steps.business(sel);
  } catch (e) {
    if (e instanceof Refusal) return { kind: 'refused', reason: e.reason as R, serial, detail: e.message, ...(e.error ? { error: e.error } : {}) };
    if (e instanceof CardRemovedError && e.reader === card.name) {
      return { kind: 'interrupted', serial, pending: serial !== undefined && steps.isPending(serial), detail: e.message };
    }
    if (e instanceof PsamCommandError) throw e.cause;
    if (e instanceof CardCommandError) return { kind: 'refused', reason: 'card-error' as R, serial, detail: e.message, error: e };
    throw e;
  } finally {
    await card.disconnect().catch(() => undefined);
  }
}
