/** The OpenAPI document (from @fastify/swagger) at /documentation/json, and a minimal page linking it. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ERROR_RESPONSES } from '../schemas/common.js';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ssc3-sim HTTP API</title></head>
<body><h1>ssc3-sim HTTP API</h1><p>OpenAPI 3 document: <a href="/documentation/json">/documentation/json</a></p></body></html>
`;

export const docsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/documentation/json',
    {
      schema: {
        hide: true,
        response: { 200: Type.Object({}, { additionalProperties: true }), ...ERROR_RESPONSES },
      },
    },
    async () => app.swagger() as unknown as Record<string, unknown>,
  );
  app.get(
    '/documentation',
    { schema: { hide: true, response: { 200: Type.String(), ...ERROR_RESPONSES } } },
    async (_req, reply) => reply.type('text/html; charset=utf-8').send(PAGE),
  );
};
