/**
 * Journal and clearing routes (issue 5, "HTTP API"): `GET /v1/journal` pages through the stored
 * transaction journal (oldest first); `POST /v1/clearing/verify` recomputes the TAC of records
 * sent in (from this server's journal or anywhere else) with the issuer's TAC key and returns
 * the bad ones, without storing anything.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { purseCrypto } from '../../../engine/index.js';
import { clear } from '../../clearing/clear.js';
import type { JournalRecord } from '../../clearing/journal.js';
import type { ApiServices } from '../api-services.js';
import { ApiError } from '../errors.js';
import { pageLimit } from '../paging.js';
import { ERROR_RESPONSES } from '../schemas/common.js';
import { ClearingBody, ClearingReply, JournalQuerySchema, JournalReply } from '../schemas/terminals.js';
import { parseAt } from '../terminal-service.js';

export interface JournalRoutesOptions {
  journal: ApiServices['journal'];
}

/** `since`: epoch ms digits, or ISO 8601 with a zone. @throws ApiError BAD_REQUEST */
function parseSince(since: string | undefined): number | undefined {
  if (since === undefined) return undefined;
  if (/^\d{1,15}$/.test(since)) return Number(since);
  try {
    return parseAt(since);
  } catch {
    throw new ApiError('BAD_REQUEST', { detail: `"since" expected epoch milliseconds or an ISO 8601 date-time with a zone, got ${JSON.stringify(since.slice(0, 60))}` });
  }
}

export const journalRoutes: FastifyPluginAsyncTypebox<JournalRoutesOptions> = async (app, { journal }) => {
  app.get(
    '/v1/journal',
    { schema: { tags: ['journal'], summary: 'the transaction journal, oldest first, paged', querystring: JournalQuerySchema, response: { 200: JournalReply, ...ERROR_RESPONSES } } },
    async (req) => {
      const q = req.query;
      const limit = pageLimit(q.limit);
      const since = parseSince(q.since);
      // One row more than asked tells whether another page follows.
      const rows = await journal({
        ...(q.cardId !== undefined ? { cardId: q.cardId } : {}),
        ...(since !== undefined ? { since } : {}),
        ...(q.afterId !== undefined ? { afterId: Number(q.afterId) } : {}),
        limit: limit + 1,
      });
      const more = rows.length > limit;
      const page = more ? rows.slice(0, limit) : rows;
      return { records: page, nextAfterId: more ? page[page.length - 1].id : null };
    },
  );

  app.post(
    '/v1/clearing/verify',
    { schema: { tags: ['clearing'], summary: 'verify TACs: records in, bad records out', body: ClearingBody, response: { 200: ClearingReply, ...ERROR_RESPONSES } } },
    async (req) => {
      const records = req.body.records as JournalRecord[];
      const r = clear(records, purseCrypto.DEMO_ISSUER_KEYS);
      return {
        checked: records.length,
        accepted: r.accepted.length,
        loadsFen: r.loadsFen,
        purchasesFen: r.purchasesFen,
        rejected: r.rejected.map((x) => ({ index: x.index, problem: x.problem, reason: x.reason })),
      };
    },
  );
};
