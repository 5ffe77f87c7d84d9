/** PC/SC reader slot routes (issue 5, "HTTP API"): list, insert a card, remove it. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiServices } from '../api-services.js';
import { ERROR_RESPONSES } from '../schemas/common.js';
import { InsertBody, ReaderList, ReaderSchema, SlotParams } from '../schemas/terminals.js';

export interface ReaderRoutesOptions {
  readers: ApiServices['readers'];
}

const tags = ['readers'];

export const readerRoutes: FastifyPluginAsyncTypebox<ReaderRoutesOptions> = async (app, { readers }) => {
  app.get('/v1/readers', { schema: { tags, summary: 'the PC/SC slots (empty without --vpcd)', response: { 200: ReaderList, ...ERROR_RESPONSES } } }, async () => ({
    readers: await readers.list(),
  }));

  app.post(
    '/v1/readers/:slot/insert',
    {
      schema: { tags, summary: 'put a card in a PC/SC slot (vpcd reports it present)', params: SlotParams, body: InsertBody, response: { 200: ReaderSchema, ...ERROR_RESPONSES } },
    },
    async (req) => readers.insert(req.params.slot, req.body.cardId),
  );

  app.post(
    '/v1/readers/:slot/remove',
    { schema: { tags, summary: 'take the card out of a PC/SC slot (answered once the card is the API\'s again, after the save of an APDU in flight)', params: SlotParams, response: { 200: ReaderSchema, ...ERROR_RESPONSES } } },
    async (req) => readers.remove(req.params.slot),
  );
};
