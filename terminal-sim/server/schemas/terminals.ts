/**
 * Schemas of the terminal, journal, clearing and reader routes (issue 5, "HTTP API"). As for
 * cards, the response schemas are the leak guard: a terminal's PSAM (its keys) has no field.
 */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { PageLimitParam } from '../paging.js';

const Id = (description: string) => Type.String({ minLength: 1, maxLength: 128, description });
const Hex12 = Type.String({ pattern: '^[0-9a-fA-F]{12}$', description: '6 bytes, 12 hex digits' });

export const TerminalIdParams = Type.Object({ id: Id('terminal id from POST /v1/terminals') }, { additionalProperties: false });

const StationCode = Type.Object(
  { line: Type.Integer({ minimum: 1, maximum: 255 }), station: Type.Integer({ minimum: 1, maximum: 255 }) },
  { additionalProperties: false, description: 'station code of the ssc3 directory (line, station)' },
);
const StationByName = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 64, description: 'station name, e.g. 国贸' }), line: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'line name, e.g. 1号线' })) },
  { additionalProperties: false },
);

const BusStopSchema = Type.Object(
  { code: Type.Integer({ minimum: 0, maximum: 255 }), name: Type.String({ minLength: 1, maxLength: 64 }), km: Type.Number({ minimum: 0, maximum: 1000 }) },
  { additionalProperties: false },
);
const BusRouteSchema = Type.Object(
  {
    line: Type.Integer({ minimum: 0, maximum: 65535 }),
    name: Type.Optional(Type.String({ maxLength: 64 })),
    stops: Type.Array(BusStopSchema, { minItems: 2, maxItems: 200 }),
    outsideCity: Type.Optional(Type.Array(Type.Object({ fromKm: Type.Number({ minimum: 0 }), toKm: Type.Number({ minimum: 0 }) }, { additionalProperties: false }), { maxItems: 50 })),
  },
  { additionalProperties: false },
);

export const CreateTerminalBody = Type.Object(
  {
    kind: Type.Union([Type.Literal('gate'), Type.Literal('bus'), Type.Literal('topup')]),
    id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._:-]{1,64}$', description: 'default <kind>-<n>' })),
    terminalId: Type.Optional(Hex12),
    direction: Type.Optional(Type.Union([Type.Literal('entry'), Type.Literal('exit')], { description: 'gates only' })),
    station: Type.Optional(Type.Union([StationCode, StationByName], { description: 'gates only; default 土桥 (entry) or 国贸 (exit)' })),
    route: Type.Optional(BusRouteSchema),
    stop: Type.Optional(Type.Integer({ minimum: 0, maximum: 255, description: 'bus only: the stop code the bus is at' })),
  },
  { additionalProperties: false },
);
export type CreateTerminalBodyStatic = Static<typeof CreateTerminalBody>;

export const TerminalSchema = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    terminalId: Type.String({ description: 'the PSAM terminal id in MACs and TACs (top-up: the load terminal id)' }),
    direction: Type.Optional(Type.String()),
    station: Type.Optional(
      Type.Object({ line: Type.Integer(), station: Type.Integer(), name: Type.String(), lineName: Type.String() }, { additionalProperties: false }),
    ),
    route: Type.Optional(BusRouteSchema),
    stop: Type.Optional(Type.Integer()),
    pending: Type.Integer({ description: 'transactions waiting for their card to return (闪卡)' }),
    createdAt: Type.Integer(),
  },
  { additionalProperties: false },
);

export const TerminalList = Type.Object({ terminals: Type.Array(TerminalSchema) }, { additionalProperties: false });

const At = Type.String({ maxLength: 64, description: 'when the card is presented, ISO 8601 with a zone (default: now)' });

export const TapBody = Type.Object(
  {
    cardId: Id('card id'),
    at: Type.Optional(At),
    side: Type.Optional(Type.Union([Type.Literal('on'), Type.Literal('off')], { description: 'bus only: tap-on (default) or tap-off' })),
    stop: Type.Optional(Type.Integer({ minimum: 0, maximum: 255, description: 'bus only: move to this stop first' })),
  },
  { additionalProperties: false },
);
export type TapBodyStatic = Static<typeof TapBody>;

export const LoadBody = Type.Object(
  { cardId: Id('card id'), amountFen: Type.Integer({ minimum: 0, maximum: 0xffffffff }), at: Type.Optional(At) },
  { additionalProperties: false },
);
export type LoadBodyStatic = Static<typeof LoadBody>;

export const JournalRecordSchema = Type.Object(
  {
    serial: Type.String({ description: 'application serial, 20 digits' }),
    counter: Type.Integer({ minimum: 0, maximum: 65535 }),
    amountFen: Type.Integer({ minimum: 0, maximum: 0xffffffff }),
    type: Type.Integer({ minimum: 0, maximum: 255, description: '02 load, 06 purchase, 09 compound purchase' }),
    terminalId: Type.String({ maxLength: 64 }),
    terminalSeq: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffffffff })),
    dateTime: Type.String({ maxLength: 64, description: 'YYYYMMDDhhmmss Beijing' }),
    tac: Type.String({ maxLength: 64 }),
    alg: Type.Union([Type.Literal('3des'), Type.Literal('sm4')]),
    recovered: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const FareStepSchema = Type.Object(
  {
    rule: Type.String(),
    op: Type.String(),
    fareFen: Type.Integer(),
    note: Type.String(),
    noteZh: Type.String(),
    amountFen: Type.Optional(Type.Integer()),
    rateNum: Type.Optional(Type.Integer()),
    rateDen: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);

export const TapReply = Type.Object(
  {
    terminal: Type.String(),
    outcome: Type.String({ description: 'entered, exited, boarded, alighted, refused, interrupted, unproven' }),
    serial: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String()),
    detail: Type.Optional(Type.String()),
    sw: Type.Optional(Type.String()),
    fareFen: Type.Optional(Type.Integer()),
    baseFareFen: Type.Optional(Type.Integer()),
    balanceFen: Type.Optional(Type.Integer()),
    tac: Type.Optional(Type.String()),
    recovered: Type.Optional(Type.Boolean()),
    mac2Verified: Type.Optional(Type.Boolean()),
    pending: Type.Optional(Type.Boolean()),
    overtime: Type.Optional(Type.Boolean()),
    durationMinutes: Type.Optional(Type.Integer()),
    stop: Type.Optional(BusStopSchema),
    distanceKm: Type.Optional(Type.Number()),
    missingTapOff: Type.Optional(
      Type.Object(
        { line: Type.Integer(), stop: Type.Integer(), boardedAt: Type.String(), distanceKm: Type.Number(), fareFen: Type.Integer(), baseFareFen: Type.Integer() },
        { additionalProperties: false },
      ),
    ),
    journal: Type.Optional(JournalRecordSchema),
    steps: Type.Optional(Type.Array(FareStepSchema)),
    month: Type.Optional(Type.Object({ period: Type.String(), spentFen: Type.Integer(), rides: Type.Integer() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export const LoadReply = Type.Object(
  {
    terminal: Type.String(),
    outcome: Type.String({ description: 'loaded, refused, interrupted, unproven' }),
    serial: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String()),
    detail: Type.Optional(Type.String()),
    sw: Type.Optional(Type.String()),
    amountFen: Type.Optional(Type.Integer()),
    balanceFen: Type.Optional(Type.Integer()),
    tac: Type.Optional(Type.String()),
    recovered: Type.Optional(Type.Boolean()),
    settledPending: Type.Optional(Type.Boolean()),
    tacVerified: Type.Optional(Type.Boolean()),
    pending: Type.Optional(Type.Boolean()),
    journal: Type.Optional(JournalRecordSchema),
  },
  { additionalProperties: false },
);

export const JournalQuerySchema = Type.Object(
  {
    cardId: Type.Optional(Id('only this card')),
    since: Type.Optional(Type.String({ maxLength: 64, description: 'rows saved at or after: epoch ms, or ISO 8601 with a zone' })),
    afterId: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'paging cursor: rows with id > afterId' })),
    limit: PageLimitParam('rows'),
  },
  { additionalProperties: false },
);
export type JournalQueryStatic = Static<typeof JournalQuerySchema>;

export const JournalReply = Type.Object(
  {
    records: Type.Array(
      Type.Composite([JournalRecordSchema, Type.Object({ id: Type.Integer(), cardId: Type.Union([Type.String(), Type.Null()]), createdAt: Type.Integer({ description: 'epoch ms, when saved' }) })], {
        additionalProperties: false,
      }),
    ),
    nextAfterId: Type.Union([Type.Integer(), Type.Null()], { description: 'pass as afterId for the next page; null at the end' }),
  },
  { additionalProperties: false },
);

export const ClearingBody = Type.Object({ records: Type.Array(Type.Unknown(), { maxItems: 100_000 }) }, { additionalProperties: false });

export const ClearingReply = Type.Object(
  {
    checked: Type.Integer(),
    accepted: Type.Integer(),
    loadsFen: Type.Integer(),
    purchasesFen: Type.Integer(),
    rejected: Type.Array(
      Type.Object({ index: Type.Integer(), problem: Type.String(), reason: Type.String() }, { additionalProperties: false }),
      { description: 'the bad records: TAC mismatch, malformed, duplicate' },
    ),
  },
  { additionalProperties: false },
);

export const SlotParams = Type.Object({ slot: Type.String({ pattern: '^[0-9]{1,2}$', description: 'PC/SC slot number (0, 1, …)' }) }, { additionalProperties: false });

export const InsertBody = Type.Object({ cardId: Id('card id') }, { additionalProperties: false });

export const ReaderSchema = Type.Object(
  {
    slot: Type.Integer(),
    reader: Type.String({ description: 'the PC/SC reader name vpcd gives this slot' }),
    endpoint: Type.String({ description: 'vpcd host:port' }),
    state: Type.String({ description: 'idle, connecting, connected, stopped' }),
    cardId: Type.Union([Type.String(), Type.Null()]),
    apdus: Type.Integer(),
  },
  { additionalProperties: false },
);

export const ReaderList = Type.Object({ readers: Type.Array(ReaderSchema) }, { additionalProperties: false });
