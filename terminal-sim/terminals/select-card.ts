/**
 * The first step every transit terminal takes (DOMAIN.md §3 "Gate flow" step 1): SELECT the
 * transit application. A blocked application (6A81 / 9303) or a card without it (6A82) is a
 * refusal the terminal reports, not a failure; anything else propagates.
 */
import { ApplicationBlockedError, ApplicationLockedError, FileNotFoundError } from '../reader/command-errors.js';
import type { CardCommandError } from '../reader/command-errors.js';
import type { Reader } from '../reader/reader-api.js';
import { selectTransitApplication, type TransitSelection } from '../transit/select.js';

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
