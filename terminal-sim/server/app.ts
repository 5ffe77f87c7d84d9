/**
 * The HTTP API of the simulator (issue 5, "HTTP API"), built as fastify plugins. `buildApp`
 * returns a ready-to-use instance without listening (tests use `app.inject`); the caller listens.
 * The routes ask one asynchronous surface, ApiServices (api-services.ts): the services in this
 * thread, or in a service thread (`ssc3 serve`).
 *
 * Cross-cutting rules live here: bearer-token auth on every route but /healthz, one error
 * handler mapping everything to the ERRORS table (4xx exact, 5xx generic), 404 vs 405, the body
 * size limit, and pino with secrets redacted.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { localServices } from './api-services.js';
import type { ApiServices, LocalServicesOptions } from './api-services.js';
import { ApiError, internalErrorBody } from './errors.js';
import { cardRoutes } from './routes/cards.js';
import { cardWsRoutes } from './routes/cards-ws.js';
import { docsRoutes } from './routes/docs.js';
import { healthRoutes } from './routes/health.js';
import { statusRoutes } from './routes/status.js';
import { journalRoutes } from './routes/journal.js';
import { readerRoutes } from './routes/readers.js';
import { terminalRoutes } from './routes/terminals.js';

/** Request bodies above this are refused with 413 (an extended APDU in hex is ~128 KiB). */
export const BODY_LIMIT = 256 * 1024;

/** Log paths never written: tokens, APDU payloads (PINs travel in VERIFY), keys and images. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.apdu',
  '*.pin',
  '*.key',
  '*.keys',
  '*.image',
];

export interface BuildAppOptions extends Partial<LocalServicesOptions> {
  /**
   * The services behind the routes (startServiceThread's); the app closes them when it closes.
   * Without it the app builds localServices over `store` and `now` (both then required).
   */
  services?: ApiServices;
  /** When set, every route but /healthz requires `Authorization: Bearer <token>`. */
  token?: string;
  /** false (default) for silence; true or pino options to log (redaction always applies). */
  logger?: boolean | { level?: string; stream?: { write(line: string): void } };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route needs no token. */
    public?: boolean;
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** The route patterns per method, to tell 405 from 404. */
function routeMatcher() {
  const routes: { method: string; re: RegExp }[] = [];
  return {
    add(method: string | string[], url: string) {
      const pattern = url
        .split('/')
        .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/');
      for (const m of [method].flat()) routes.push({ method: m, re: new RegExp(`^${pattern}/?$`) });
    },
    allowed(path: string): string[] {
      return [...new Set(routes.filter((r) => r.re.test(path)).map((r) => r.method))].filter((m) => m !== 'HEAD').sort();
    },
  };
}

/** Builds the app (plugins registered, ready). @throws what fastify throws on a bad set-up. */
export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const logger = opts.logger === undefined || opts.logger === false ? false : { ...(opts.logger === true ? {} : opts.logger), redact: REDACT_PATHS };
  const app = Fastify({
    logger,
    bodyLimit: BODY_LIMIT,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    return503OnClosing: true,
    // Errors raised before routing (a URL that is not valid percent-encoding) use the same table.
    frameworkErrors: (err, req, reply) => {
      const api = err.code === 'FST_ERR_BAD_URL' ? new ApiError('BAD_URL', { url: JSON.stringify(req.url.slice(0, 200)) }) : toApiError(err, req);
      void (reply as unknown as FastifyReply).code(api.statusCode).send(api.toBody());
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const routes = routeMatcher();
  app.addHook('onRoute', (r) => routes.add(r.method, r.url));

  if (opts.token !== undefined) {
    const want = digest(opts.token);
    app.addHook('onRequest', async (req: FastifyRequest) => {
      if (req.routeOptions.config?.public) return;
      const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
      // Hashing first makes the comparison constant time whatever the lengths.
      if (!m || !timingSafeEqual(digest(m[1]), want)) throw new ApiError('UNAUTHORIZED');
    });
  }

  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const api = toApiError(err, req);
    if (api.statusCode >= 500) {
      req.log.error({ err }, 'request failed');
      return reply.code(500).send(internalErrorBody());
    }
    return reply.code(api.statusCode).send(api.toBody());
  });

  app.setNotFoundHandler((req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0];
    const allowed = routes.allowed(path);
    const err =
      allowed.length > 0
        ? new ApiError('METHOD_NOT_ALLOWED', { method: req.method, url: path, allowed: allowed.join(', ') })
        : new ApiError('NOT_FOUND', { method: req.method, url: path });
    if (allowed.length > 0) reply.header('allow', allowed.join(', '));
    return reply.code(err.statusCode).send(err.toBody());
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'ssc3-sim', version: '0.1.0', description: "Simulator of China's third-generation social security card" },
      ...(opts.token !== undefined ? { components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } }, security: [{ bearer: [] }] } : {}),
    },
  });

  const services = opts.services ?? localServicesOf(opts);
  app.addHook('onClose', async () => services.close());

  // Before every route: it wraps them all (an upgrade to a plain HTTP route is closed). maxPayload as
  // the HTTP body limit: a larger WebSocket message closes the socket with 1009.
  await app.register(websocket, { options: { maxPayload: BODY_LIMIT } });
  await app.register(healthRoutes);
  await app.register(docsRoutes);
  await app.register(cardRoutes, { cards: services.cards });
  await app.register(cardWsRoutes, { cards: services.cards });
  await app.register(terminalRoutes, { terminals: services.terminals });
  await app.register(journalRoutes, { journal: services.journal });
  await app.register(readerRoutes, { readers: services.readers });
  await app.register(statusRoutes, { status: services.status });
  await app.ready();
  return app;
}

/** @throws TypeError without a store or a clock */
function localServicesOf(opts: BuildAppOptions): ApiServices {
  const { store, now } = opts;
  if (store === undefined || now === undefined) throw new TypeError('buildApp expected "services", or "store" and "now"');
  return localServices({ ...opts, store, now });
}

/** Maps anything thrown during a request onto the error table. */
function toApiError(err: FastifyError, req: FastifyRequest): ApiError {
  if (err instanceof ApiError) return err;
  if (err.validation) {
    const first = err.validation[0];
    const where = `${err.validationContext ?? 'request'}${first?.instancePath ?? ''}`;
    const extra = first?.keyword === 'additionalProperties' ? ` '${String((first.params as { additionalProperty?: string }).additionalProperty)}'` : '';
    return new ApiError('SCHEMA', { detail: `${where} ${first?.message ?? 'is invalid'}${extra}` });
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('BODY_TOO_LARGE', { limit: BODY_LIMIT });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('UNSUPPORTED_MEDIA_TYPE', { type: JSON.stringify(String(req.headers['content-type'] ?? '').slice(0, 100)) });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('BAD_JSON', { detail: 'the body is empty but the content type is application/json' });
  }
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return new ApiError('BAD_JSON', { detail: err.message });
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) return new ApiError('BAD_REQUEST', { detail: err.message });
  return new ApiError('INTERNAL');
}
