/**
 * ssc3-sim/engine — the virtual card: issue one, power it, send it APDUs.
 *
 *   import { issueCard } from 'ssc3-sim/engine';
 *   const card = issueCard({ profile: 'beijing-standard', algorithm: 'sm4', seed: 1 });
 *   card.powerOn();                       // ATR bytes
 *   card.transmit(apdu);                  // response data ‖ SW1 SW2
 *   card.powerOff();
 *
 * No I/O, no clock, no randomness of its own: a Clock and an Rng are injected (seeded by default).
 */
export { Card, CardPowerError } from './card/card.js';
export type { CardImage, CardImageMark, CardImagePatch, CardOptions, Protocol, TearPhase, TearSpec } from './card/card.js';
export { issueCard, issueCardImage, cardFromImage, buildAtr, bcd } from './personalise/issue-card.js';
export type { Holder, IssueOptions, IssuerKeys } from './personalise/issue-card.js';
export { PROFILES, getProfile } from './personalise/profiles.js';
export type { CardProfile, PurseAlgorithm } from './personalise/profiles.js';
export { fixedClock, steppingClock, seededRng, childRng } from './card/env.js';
export type { Clock, Rng } from './card/env.js';
export { parseCommand, encodeCommand, encodeResponse, parseResponse } from './apdu/command.js';
export type { CommandApdu, CommandFields, ApduCase } from './apdu/command.js';
export { SW, SwError, swInfo, swHex, isSuccess } from './apdu/sw.js';
export type { SwInfo } from './apdu/sw.js';
export { defaultApps } from './apps/registry.js';
export { NOT_HANDLED, blockedKey, keyCell } from './card/app.js';
export type { AppContext, AppFactory, AppHandler, AppRegistry, DataWithSw, HandlerResult, SecurityState } from './card/app.js';
export { FileSystem, DfNode, EfNode, binaryKey, readBinary, updateBinary, readRecord, updateRecord, appendRecord, recordCount, findRecordById, mapStore } from './card/fs.js';
export type { Access, CellStore, DfSpec, EfSpec, EfType, NodeSpec } from './card/fs.js';
export { Nvm, Tx } from './card/nvm.js';
export type { NvmJson, NvmJsonPatch, NvmSnapshot, RecoveryOutcome } from './card/nvm.js';
export { TRANSIT_AID, SFI as TRANSIT_SFI, TX_TYPE } from './apps/transit/layout.js';
export { txLogRecord } from './apps/transit/transit-app.js';
export * as purseCrypto from './apps/transit/purse-crypto.js';
export * as tlv from './apdu/tlv.js';
