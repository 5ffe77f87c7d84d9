/**
 * The page size of the listing routes (GET /v1/journal, GET /v1/cards): `limit` in the query
 * string, 1..MAX_PAGE_LIMIT, DEFAULT_PAGE_LIMIT when absent.
 */
import { Type } from '@sinclair/typebox';
import { ApiError } from './errors.js';

export const DEFAULT_PAGE_LIMIT = 1000;
export const MAX_PAGE_LIMIT = 10_000;

/** The `limit` query parameter's schema; `what` names the items in its description. */
export const PageLimitParam = (what: string) =>
  Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$', description: `at most this many ${what} (1..${MAX_PAGE_LIMIT}, default ${DEFAULT_PAGE_LIMIT})` }));

/** The page size asked for (schema-checked digits, or absent). @throws ApiError BAD_REQUEST outside 1..MAX_PAGE_LIMIT */
export function pageLimit(text: string | undefined): number {
  const limit = text === undefined ? DEFAULT_PAGE_LIMIT : Number(text);
  if (limit < 1 || limit > MAX_PAGE_LIMIT) throw new ApiError('BAD_REQUEST', { detail: `"limit" expected 1..${MAX_PAGE_LIMIT}, got ${text}` });
  return limit;
}
