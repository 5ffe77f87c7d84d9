/** Schemas shared by every route: the error body and the responses every route may give. */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { ERRORS } from '../errors.js';

export const ErrorBodySchema = Type.Object(
  {
    code: Type.Union(
      Object.keys(ERRORS).map((c) => Type.Literal(c)),
      { description: 'one of the codes of the error table' },
    ),
    message: Type.String(),
  },
  { additionalProperties: false, description: 'every 4xx/5xx answer' },
);
export type ErrorBodyStatic = Static<typeof ErrorBodySchema>;

/** Response entries every route carries, for its error answers. */
export const ERROR_RESPONSES = {
  '4xx': ErrorBodySchema,
  '5xx': ErrorBodySchema,
} as const;

/** Lower- or upper-case hex text (parsed strictly by the route, so errors name the position). */
export const HexString = (description: string) => Type.String({ description });
