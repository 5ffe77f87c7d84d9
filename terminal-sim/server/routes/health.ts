/** GET /healthz: liveness, no auth (issue 5, "HTTP API"). */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ERROR_RESPONSES } from '../schemas/common.js';

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        summary: 'liveness check',
        response: { 200: Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false }), ...ERROR_RESPONSES },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
};
