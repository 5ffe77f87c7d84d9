/**
 * Schemas of the card routes (issue 5, "HTTP API"). Response schemas list every field a client
 * may see; fastify's serializer drops anything else, so a card image or key can never leak
 * through a response even if a handler returned one.
 */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { PageLimitParam } from '../paging.js';
import { HexString } from './common.js';

export const CardIdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 128, description: 'card id from POST /v1/cards' }) },
  { additionalProperties: false },
);
export type CardIdParamsStatic = Static<typeof CardIdParams>;

export const CreateCardBody = Type.Object(
  {
    profile: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'issue profile, e.g. beijing-standard' })),
    algorithm: Type.Optional(Type.Union([Type.Literal('3des'), Type.Literal('sm4')])),
    holder: Type.Optional(Type.Object({ name: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false })),
    balanceFen: Type.Optional(Type.Integer({ minimum: 0, description: 'initial purse balance, fen' })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'issue seed: same seed, same card' })),
  },
  { additionalProperties: false },
);
export type CreateCardBodyStatic = Static<typeof CreateCardBody>;

export const CardSummary = Type.Object(
  {
    id: Type.String(),
    serial: Type.String({ description: 'application serial, 20 digits' }),
    profile: Type.String(),
    algorithm: Type.String({ description: "purse algorithm: '3des' or 'sm4'" }),
    cardType: Type.Integer(),
    balanceFen: Type.Integer(),
  },
  { additionalProperties: false },
);
export type CardSummaryStatic = Static<typeof CardSummary>;

export const CardListQuery = Type.Object(
  {
    afterId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'paging cursor: cards with id > afterId' })),
    limit: PageLimitParam('cards'),
  },
  { additionalProperties: false },
);
export type CardListQueryStatic = Static<typeof CardListQuery>;

export const CardList = Type.Object(
  {
    cards: Type.Array(CardSummary),
    nextAfterId: Type.Union([Type.String(), Type.Null()], { description: 'pass as afterId for the next page; null at the end' }),
  },
  { additionalProperties: false },
);

const TripEndSchema = Type.Object(
  { line: Type.Integer(), station: Type.Integer(), device: Type.String(), at: Type.String({ description: 'ISO 8601, Beijing time' }), amountFen: Type.Integer() },
  { additionalProperties: false },
);

const TripSchema = Type.Object(
  {
    state: Type.Union([Type.Literal('none'), Type.Literal('entered'), Type.Literal('exited'), Type.Literal('unknown')]),
    entry: Type.Optional(TripEndSchema),
    exit: Type.Optional(TripEndSchema),
    month: Type.Optional(Type.Object({ period: Type.String(), spendFen: Type.Integer(), rides: Type.Integer() }, { additionalProperties: false })),
    problem: Type.Optional(Type.String({ description: 'why the record could not be read (a gate would refuse the card)' })),
  },
  { additionalProperties: false },
);

export const CardDetail = Type.Object(
  {
    id: Type.String(),
    serial: Type.String(),
    profile: Type.String(),
    algorithm: Type.String(),
    cardType: Type.Integer(),
    balanceFen: Type.Integer(),
    counters: Type.Object({ online: Type.Integer(), offline: Type.Integer() }, { additionalProperties: false }),
    reader: Type.Union([Type.String(), Type.Null()], { description: 'the PC/SC slot holding the card, or null' }),
    transit: Type.Object({ rail: TripSchema, bus: TripSchema }, { additionalProperties: false, description: "the 1A records: rail (01) and bus (02)" }),
    apps: Type.Array(
      Type.Object({ aid: Type.String(), label: Type.String(), app: Type.String(), blocked: Type.Boolean() }, { additionalProperties: false }),
      { description: 'applications on the card (DFs with an AID)' },
    ),
    version: Type.Integer({ description: 'stored image version: grows by one with every saved change' }),
    createdAt: Type.Integer({ description: 'epoch ms' }),
    updatedAt: Type.Integer({ description: 'epoch ms' }),
  },
  { additionalProperties: false },
);
export type CardDetailStatic = Static<typeof CardDetail>;

export const ResetReply = Type.Object({ atr: HexString('answer to reset') }, { additionalProperties: false });

export const ApduBody = Type.Object(
  { apdu: HexString('command APDU, hex (4 to 65544 bytes)') },
  { additionalProperties: false },
);
export type ApduBodyStatic = Static<typeof ApduBody>;

export const ApduReply = Type.Object(
  {
    response: HexString('response data, without the status word (may be empty)'),
    sw: Type.String({ description: 'status word SW1 SW2, 4 hex digits' }),
  },
  { additionalProperties: false },
);

export const TearPhaseSchema = Type.Union([Type.Literal('before-commit'), Type.Literal('during-commit'), Type.Literal('after-commit')]);

export const TearSchema = Type.Object(
  {
    afterApdus: Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'APDUs that complete first; the next is torn' }),
    phase: TearPhaseSchema,
    step: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: "'during-commit': commit steps done before power is lost" })),
  },
  { additionalProperties: false },
);

export const FaultsBody = Type.Object({ tear: TearSchema }, { additionalProperties: false });
export type FaultsBodyStatic = Static<typeof FaultsBody>;

export const FaultsReply = Type.Object({ tear: TearSchema }, { additionalProperties: false });
