/**
 * GET /v1/status: what the running simulator holds and how its store is doing — the kind of
 * store, its group commits (each commit's cost is shared by the taps it carries, README
 * "Benchmarks"), the cards open in memory against --max-open-cards, and where the cards run and how
 * busy that event loop has been over the last seconds (loop-load.ts). Behind the token like
 * every route but /healthz; nothing secret in it.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiServices } from '../api-services.js';
import { ERROR_RESPONSES } from '../schemas/common.js';

export interface StatusRoutesOptions {
  status: ApiServices['status'];
}

const Count = Type.Integer({ minimum: 0 });

export const StatusReply = Type.Object(
  {
    store: Type.Object(
      {
        kind: Type.Union([Type.Literal('memory'), Type.Literal('sqlite')]),
        groupCommits: Type.Optional(Count),
        groupedWrites: Type.Optional(Count),
        retriedGroupCommits: Type.Optional(Count),
        walSyncs: Type.Optional(Type.Integer({ minimum: 0, description: 'WAL syncs run off the committing thread, each covering the group commits made before it started (ssc3 serve --single-thread; with the service thread, group commits run and sync on a writer thread)' })),
      },
      { additionalProperties: false },
    ),
    cards: Type.Object({ open: Count, maxOpen: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
    service: Type.Object(
      {
        thread: Type.Boolean({ description: 'true: the cards run in a service thread of their own (ssc3 serve); false: in the HTTP thread (--single-thread)' }),
        busy: Type.Number({ minimum: 0, maximum: 1, description: "share of the last windowS seconds the cards' event loop was busy; near 1, it bounds the server" }),
        windowS: Type.Number({ minimum: 0 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const statusRoutes: FastifyPluginAsyncTypebox<StatusRoutesOptions> = async (app, { status }) => {
  app.get(
    '/v1/status',
    { schema: { tags: ['status'], summary: 'the store (group commits), the cards open in memory, how busy the cards\' thread is', response: { 200: StatusReply, ...ERROR_RESPONSES } } },
    async () => status(),
  );
};
