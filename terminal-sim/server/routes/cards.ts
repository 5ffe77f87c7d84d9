/**
 * Card routes (issue 5, "HTTP API"): issue, list (paged like the journal), inspect, delete;
 * reset, APDU, tear faults.
 * Handlers return plain views; the response schemas are the leak guard (no image, no keys).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiServices } from '../api-services.js';
import { parseApduHex } from '../hex.js';
import { pageLimit } from '../paging.js';
import {
  ApduBody,
  ApduReply,
  CardDetail,
  CardIdParams,
  CardList,
  CardListQuery,
  CardSummary,
  CreateCardBody,
  FaultsBody,
  FaultsReply,
  ResetReply,
} from '../schemas/cards.js';
import { ERROR_RESPONSES } from '../schemas/common.js';

export interface CardRoutesOptions {
  cards: ApiServices['cards'];
}

const tags = ['cards'];

export const cardRoutes: FastifyPluginAsyncTypebox<CardRoutesOptions> = async (app, { cards }) => {
  app.post(
    '/v1/cards',
    {
      // An empty POST (no body at all) issues a default card.
      preValidation: async (req) => {
        if (req.body === undefined) req.body = {};
      },
      schema: { tags, summary: 'issue a card', body: CreateCardBody, response: { 201: CardSummary, ...ERROR_RESPONSES } },
    },
    async (req, reply) => {
      const summary = await cards.create(req.body);
      return reply.code(201).send(summary);
    },
  );

  app.get(
    '/v1/cards',
    { schema: { tags, summary: 'list cards in id order, paged', querystring: CardListQuery, response: { 200: CardList, ...ERROR_RESPONSES } } },
    async (req) => {
      return cards.list({ limit: pageLimit(req.query.limit), ...(req.query.afterId !== undefined ? { afterId: req.query.afterId } : {}) });
    },
  );

  app.get(
    '/v1/cards/:id',
    { schema: { tags, summary: 'one card: serial, type, balance, counters', params: CardIdParams, response: { 200: CardDetail, ...ERROR_RESPONSES } } },
    async (req) => cards.detail(req.params.id),
  );

  app.delete(
    '/v1/cards/:id',
    { schema: { tags, summary: 'delete a card', params: CardIdParams, response: { 204: Type.Null(), ...ERROR_RESPONSES } } },
    async (req, reply) => {
      await cards.remove(req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/cards/:id/reset',
    { schema: { tags, summary: 'cold reset (power off, power on)', params: CardIdParams, response: { 200: ResetReply, ...ERROR_RESPONSES } } },
    async (req) => ({ atr: await cards.reset(req.params.id) }),
  );

  app.post(
    '/v1/cards/:id/apdu',
    {
      schema: {
        tags,
        summary: 'send one command APDU; the card state is saved before the reply',
        params: CardIdParams,
        body: ApduBody,
        response: { 200: ApduReply, ...ERROR_RESPONSES },
      },
    },
    async (req) => cards.transmit(req.params.id, parseApduHex(req.body.apdu)),
  );

  app.post(
    '/v1/cards/:id/faults',
    {
      schema: {
        tags,
        summary: "arm a tear on the card's coming APDUs (this server process only)",
        params: CardIdParams,
        body: FaultsBody,
        response: { 200: FaultsReply, ...ERROR_RESPONSES },
      },
    },
    async (req) => ({ tear: await cards.injectTear(req.params.id, req.body.tear) }),
  );
};
