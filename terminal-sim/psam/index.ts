/**
 * terminal-sim/psam — the PSAM: its card side (an application on the engine runtime), its
 * personalisation, and the terminal-side commands and client.
 */
export { issuePsam, issuePsamImage, psamFromImage } from './issue-psam.js';
export type { IssuePsamOptions } from './issue-psam.js';
export { PsamApp, psamApp, PSAM_APPS } from './psam-app.js';
export { PSAM_AID, PSAM_DF_FID, psamCells, psamFsSpec } from './layout.js';
export { readPsamTerminalId, selectPsamApplication, initSamForPurchase, creditSamForPurchase, initSamData } from './psam-commands.js';
export type { InitSamForPurchaseRequest, InitSamForPurchaseResponse } from './psam-commands.js';
export { PsamClient } from './psam-client.js';
