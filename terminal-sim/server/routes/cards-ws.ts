/**
 * WebSocket /v1/cards/:id/apdu (issue 5): one command APDU per message, one response per message.
 *
 * - text message (hex, as in POST /v1/cards/:id/apdu) → text reply: response data ‖ SW, lower-case hex;
 * - binary message (the APDU bytes) → binary reply: response data ‖ SW bytes;
 * - a bad message (bad hex, too short or too long) or a card error (CARD_TORN, CARD_NOT_POWERED, …)
 *   → a text reply with the JSON `{code, message}` of the error table; the connection stays open;
 * - an unknown card (at connect, or deleted meanwhile) → close 4404 with the error message as reason.
 *
 * Each APDU goes through the cards' transmit, the path of the HTTP route, so the card state is saved
 * before the reply. Auth (the bearer token) is the app's onRequest hook: it runs before the upgrade.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { WebSocket } from '@fastify/websocket';
import type { ApiServices } from '../api-services.js';
import { ApiError, internalErrorBody } from '../errors.js';
import type { ErrorBody } from '../errors.js';
import { MAX_APDU_LEN, MIN_APDU_LEN, parseApduHex } from '../hex.js';
import { CardIdParams } from '../schemas/cards.js';

export interface CardWsRoutesOptions {
  cards: ApiServices['cards'];
}

/** A `ws` message payload (ws's RawData, spelled out so this file needs no @types/ws). */
type RawData = Buffer | ArrayBuffer | Buffer[];

/** Close code for an unknown card (4000–4999 are the application's; 4404 mirrors HTTP 404). */
export const WS_CLOSE_UNKNOWN_CARD = 4404;

/** A close reason is at most 123 bytes of UTF-8. */
function closeReason(text: string): string {
  const chars = Array.from(text);
  while (Buffer.byteLength(chars.join('')) > 123) chars.pop();
  return chars.join('');
}

function toBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** The command APDU of a message. @throws ApiError BAD_HEX, APDU_TOO_SHORT, APDU_TOO_LONG */
function commandOf(data: RawData, isBinary: boolean): Uint8Array {
  const bytes = toBytes(data);
  if (!isBinary) return parseApduHex(bytes.toString('utf8'));
  if (bytes.length < MIN_APDU_LEN) throw new ApiError('APDU_TOO_SHORT', { len: bytes.length });
  if (bytes.length > MAX_APDU_LEN) throw new ApiError('APDU_TOO_LONG', { len: bytes.length });
  return new Uint8Array(bytes);
}

export const cardWsRoutes: FastifyPluginAsyncTypebox<CardWsRoutesOptions> = async (app, { cards }) => {
  app.route({
    method: 'GET',
    url: '/v1/cards/:id/apdu',
    // Not an HTTP operation: kept out of the OpenAPI document.
    schema: { hide: true, params: CardIdParams },
    // A plain GET (no upgrade) gets a table error, not the plugin's bare 404.
    handler: async () => {
      throw new ApiError('BAD_REQUEST', { detail: 'GET /v1/cards/:id/apdu is a WebSocket endpoint: send "Connection: Upgrade" and "Upgrade: websocket"' });
    },
    wsHandler: (socket: WebSocket, req) => {
      const { id } = req.params;
      const closeUnknown = (err: ApiError) => socket.close(WS_CLOSE_UNKNOWN_CARD, closeReason(err.message));
      const sendError = (body: ErrorBody) => socket.send(JSON.stringify(body));
      let open = true;

      // The listener is attached before anything is awaited (a message arriving meanwhile would
      // be lost), and each message waits for the one before: replies keep the order of the
      // messages, and none goes out after the card is found unknown.
      let turn: Promise<unknown> = cards.detail(id).catch((e: unknown) => {
        open = false;
        if (e instanceof ApiError && e.code === 'UNKNOWN_CARD') return closeUnknown(e);
        req.log.error({ err: e }, 'websocket open failed');
        socket.close(1011, 'internal server error');
      });
      socket.on('message', (data: RawData, isBinary: boolean) => {
        turn = turn.then(async () => {
          if (!open) return;
          try {
            const { response, sw } = await cards.transmit(id, commandOf(data, isBinary));
            if (isBinary) socket.send(Buffer.from(response + sw, 'hex'), { binary: true });
            else socket.send(response + sw);
          } catch (e) {
            if (e instanceof ApiError && e.code === 'UNKNOWN_CARD') {
              open = false;
              return closeUnknown(e);
            }
            if (e instanceof ApiError && e.statusCode < 500) return sendError(e.toBody());
            req.log.error({ err: e }, 'websocket APDU failed');
            sendError(internalErrorBody());
          }
        });
      });
    },
  });
};
