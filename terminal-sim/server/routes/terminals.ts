/**
 * Terminal routes (issue 5, "HTTP API"): create, list, inspect and delete gates, bus validators
 * and top-up points; present a card (`/taps`) or load it (`/loads`). A tap answers only after the
 * card, the terminal and the journal are saved together (TerminalService).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ERROR_RESPONSES } from '../schemas/common.js';
import { CreateTerminalBody, LoadBody, LoadReply, TapBody, TapReply, TerminalIdParams, TerminalList, TerminalSchema } from '../schemas/terminals.js';
import type { ApiServices } from '../api-services.js';

export interface TerminalRoutesOptions {
  terminals: ApiServices['terminals'];
}

const tags = ['terminals'];

export const terminalRoutes: FastifyPluginAsyncTypebox<TerminalRoutesOptions> = async (app, { terminals }) => {
  app.post(
    '/v1/terminals',
    { schema: { tags, summary: 'create a gate, bus validator or top-up point (with its PSAM)', body: CreateTerminalBody, response: { 201: TerminalSchema, ...ERROR_RESPONSES } } },
    async (req, reply) => reply.code(201).send(await terminals.create(req.body)),
  );

  app.get('/v1/terminals', { schema: { tags, summary: 'list terminals', response: { 200: TerminalList, ...ERROR_RESPONSES } } }, async () => ({
    terminals: await terminals.list(),
  }));

  app.get(
    '/v1/terminals/:id',
    { schema: { tags, summary: 'one terminal', params: TerminalIdParams, response: { 200: TerminalSchema, ...ERROR_RESPONSES } } },
    async (req) => terminals.get(req.params.id),
  );

  app.delete(
    '/v1/terminals/:id',
    { schema: { tags, summary: 'delete a terminal', params: TerminalIdParams, response: { 204: Type.Null(), ...ERROR_RESPONSES } } },
    async (req, reply) => {
      await terminals.remove(req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/terminals/:id/taps',
    {
      schema: {
        tags,
        summary: 'present a card to a gate or bus validator: outcome, fare, balance, TAC, fare steps',
        params: TerminalIdParams,
        body: TapBody,
        response: { 200: TapReply, ...ERROR_RESPONSES },
      },
    },
    async (req) => terminals.tap(req.params.id, req.body),
  );

  app.post(
    '/v1/terminals/:id/loads',
    {
      schema: { tags, summary: 'load a card at a top-up point', params: TerminalIdParams, body: LoadBody, response: { 200: LoadReply, ...ERROR_RESPONSES } },
    },
    async (req) => terminals.load(req.params.id, req.body),
  );
};
