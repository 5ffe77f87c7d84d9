/**
 * The HTTP API's error table (issue 5, "HTTP API" → Errors): every error a client can see has a
 * code here, with its HTTP status and a message template. 4xx messages say exactly what was
 * wrong; a 5xx body always carries the generic INTERNAL text (the cause goes to the log only).
 */

export interface ErrorSpec {
  status: number;
  /** `{name}` placeholders are filled from the params given to ApiError. */
  template: string;
}

export const ERRORS = {
  BAD_HEX: { status: 400, template: '"{field}" {problem}' },
  APDU_TOO_SHORT: { status: 400, template: '"apdu" expected at least 4 bytes (CLA INS P1 P2), got {len}' },
  APDU_TOO_LONG: { status: 400, template: '"apdu" expected at most 65544 bytes (extended case 4), got {len}' },
  SCHEMA: { status: 400, template: '{detail}' },
  BAD_JSON: { status: 400, template: 'request body is not valid JSON: {detail}' },
  BAD_REQUEST: { status: 400, template: '{detail}' },
  BAD_URL: { status: 400, template: 'the URL is not valid percent-encoding: {url}' },
  BAD_CARD_OPTIONS: { status: 400, template: '{detail}' },
  UNAUTHORIZED: { status: 401, template: 'a bearer token is required: send "Authorization: Bearer <token>"' },
  UNKNOWN_CARD: { status: 404, template: 'card "{id}" not found' },
  NOT_FOUND: { status: 404, template: 'no route {method} {url}' },
  METHOD_NOT_ALLOWED: { status: 405, template: '{method} is not allowed on {url}; allowed: {allowed}' },
  CARD_EXISTS: { status: 409, template: 'card "{id}" already exists (same seed or serial); pass another seed' },
  CARD_NOT_POWERED: { status: 409, template: 'card "{id}" is not powered: POST /v1/cards/{id}/reset first' },
  CARD_TORN: { status: 409, template: 'card "{id}" lost power during the APDU ({detail}); POST /v1/cards/{id}/reset to power it again' },
  CARD_IN_READER: { status: 409, template: 'card "{id}" is in PC/SC reader slot {slot}: POST /v1/readers/{slot}/remove first' },
  CARD_BUSY: { status: 409, template: 'card "{id}" is in a tap or an APDU that is being saved; retry when it completes' },
  UNKNOWN_TERMINAL: { status: 404, template: 'terminal "{id}" not found' },
  TERMINAL_EXISTS: { status: 409, template: 'terminal "{id}" already exists' },
  WRONG_TERMINAL_KIND: { status: 409, template: 'terminal "{id}" is a {kind}: {what}' },
  BAD_TERMINAL_OPTIONS: { status: 400, template: '{detail}' },
  BAD_TIME: { status: 400, template: '"at" expected an ISO 8601 date-time with a time zone (e.g. 2026-03-02T08:30:00+08:00), got {at}' },
  UNKNOWN_SLOT: { status: 404, template: 'reader slot {slot} not found; slots: {slots}' },
  NO_READERS: { status: 409, template: 'no PC/SC readers: start the server with --vpcd HOST:PORT' },
  SLOT_OCCUPIED: { status: 409, template: 'reader slot {slot} holds card "{id}": remove it first' },
  CARD_CONFLICT: { status: 409, template: 'card "{id}" was changed by another writer; retry the request' },
  BODY_TOO_LARGE: { status: 413, template: 'request body exceeds {limit} bytes' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, template: 'unsupported content type {type}: send application/json' },
  INTERNAL: { status: 500, template: 'internal server error' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/** The JSON body of every error response. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** An error a route throws on purpose: the error handler sends `{code, message}` with its status. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    params: Record<string, string | number> = {},
  ) {
    super(fill(ERRORS[code].template, params));
    this.statusCode = ERRORS[code].status;
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.statusCode >= 500 ? ERRORS.INTERNAL.template : this.message };
  }
}

/** The body for a 5xx: the generic text, never the cause. */
export function internalErrorBody(): ErrorBody {
  return { code: 'INTERNAL', message: ERRORS.INTERNAL.template };
}
