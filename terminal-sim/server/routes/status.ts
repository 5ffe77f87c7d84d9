/**
 * GET /v1/status: what the running simulator holds and how its store is doing — the kind of
 * store, its group commits (each commit's cost is shared by the taps it carries, README
 * "Benchmarks"), and the cards open in memory against --max-open-cards. Behind the token like
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
      },
      { additionalProperties: false },
    ),
    cards: Type.Object({ open: Count, maxOpen: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

export const statusRoutes: FastifyPluginAsyncTypebox<StatusRoutesOptions> = async (app, { status }) => {
  app.get(
    '/v1/status',
    { schema: { tags: ['status'], summary: 'the store (group commits) and the cards open in memory', response: { 200: StatusReply, ...ERROR_RESPONSES } } },
    async () => status(),
  );
};
