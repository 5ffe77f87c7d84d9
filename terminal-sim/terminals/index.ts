/**
 * terminal-sim/terminals — the transit terminals (gate, top-up, bus validator), their fare hook
 * and the Beijing fare engine behind it, the station code directory, 闪卡 recovery state, a manual
 * clock, and the ready-made installation `createTransitSetup`.
 */
export { Gate } from './gate.js';
export type { GateOptions, GateOutcome, GateRefusalReason, GateStation } from './gate.js';
export { TopUpTerminal, DEFAULT_TOPUP_RULES } from './topup.js';
export type { TopUpOptions, TopUpOutcome, TopUpRefusalReason, TopUpRules } from './topup.js';
export { flatFare, checkFare, FareError } from './fare.js';
export { beijingFare, beijingBusFare, beijingIso, engineCardType } from './beijing-fare.js';
export type { BeijingFareOptions, BusFareFunction, BusFareInput, FareHookOptions } from './beijing-fare.js';
export { BusValidator } from './bus-validator.js';
export type { BusOutcome, BusPendingPurchase, BusRefusalReason, BusRoute, BusStop, BusValidatorOptions } from './bus-validator.js';
export { StationDirectory, UnknownStationCodeError } from '../transit/station-directory.js';
export type { StationCode, StationName } from '../transit/station-directory.js';
export type { FareFunction, FareInput, FareResult, TripEnd } from './fare.js';
export { findInTransactionLog } from './pending.js';
export type { PendingLoad, PendingPurchase, PendingTransaction } from './pending.js';
export { ManualClock } from './clock.js';
export { createTransitSetup, BEIJING_SETUP_STATIONS, DEFAULT_START_MS, SETUP_STATIONS, SETUP_TERMINAL_IDS, TRANSIT_AID_BYTES } from './transit-setup.js';
export type { TransitSetup, TransitSetupOptions } from './transit-setup.js';
