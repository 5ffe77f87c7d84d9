/**
 * Private helpers of the park rules: the park request error and the shared field checkers
 * (engine/rules/request-fields.ts) bound to it.
 */
import { fieldCheckers, RuleRequestError } from '../request-fields.js';

export { ageOn, inRange, join, type Obj } from '../request-fields.js';

/** A request the park rules cannot decide (`person.birthDate`, `proofs[1]` …): `<field>: <problem>`. */
export class ParkRequestError extends RuleRequestError {
  override name = 'ParkRequestError';
}

export const { obj, str, oneOf, int, arr, date, beijingDate, bool } = fieldCheckers(ParkRequestError);
