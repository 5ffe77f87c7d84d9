/** terminal-sim/issuer — the issuer host (load authorisation, TAC checks). */
export { IssuerHost } from './issuer-host.js';
export type { LoadAuthorization, LoadAuthorizationRequest, LoadHost } from './issuer-host.js';
export { expectedTac, isLoadType } from './tac.js';
