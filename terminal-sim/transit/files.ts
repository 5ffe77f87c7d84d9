/**
 * The transit application's files as the terminal reads them (DOMAIN.md §3 file table):
 * EF 0015 issuer, 0016 holder, 0017 interoperability, and the 0018 transaction log record.
 */
import { RecordLayout } from './record-layout.js';

/** EF 0015 (30 bytes) [V]. */
export interface IssuerInfo {
  /** Issuer identifier, 8 bytes hex. */
  issuerId: string;
  appType: number;
  appVersion: number;
  /** Application serial: 10 bytes BCD, 20 digits. */
  appSerial: string;
  /** YYYYMMDD. */
  startDate: string;
  /** YYYYMMDD. */
  expiryDate: string;
  /** DOMAIN.md §3 [P]: 01 standard, 02 student, 03 senior, 04 preferential. */
  cardType: number;
  depositYuan: number;
}

export const EF15_LAYOUT = new RecordLayout<IssuerInfo>('EF 0015', [
  { name: 'issuerId', type: 'hex', len: 8 },
  { name: 'appType', type: 'uint', len: 1 },
  { name: 'appVersion', type: 'uint', len: 1 },
  // BCD per the card's personalisation; kept as hex so that a non-BCD serial still reads.
  { name: 'appSerial', type: 'hex', len: 10 },
  { name: 'startDate', type: 'bcd', len: 4 },
  { name: 'expiryDate', type: 'bcd', len: 4 },
  { name: 'cardType', type: 'uint', len: 1 },
  { name: 'depositYuan', type: 'uint', len: 1 },
]);

/** EF 0016 (55 bytes) [S]: id flag 1 · name 20 · id number 32 · id type 1 · reserved 1. */
export interface HolderInfo {
  idFlag: number;
  name: string;
  idNumber: string;
  idType: number;
}

export const EF16_LAYOUT = new RecordLayout<HolderInfo>('EF 0016', [
  { name: 'idFlag', type: 'uint', len: 1 },
  { name: 'name', type: 'text', len: 20 },
  { name: 'idNumber', type: 'text', len: 32 },
  { name: 'idType', type: 'uint', len: 1 },
  { name: 'reserved', type: 'reserved', len: 1 },
]);

/** EF 0017 (60 bytes) [V]: intl code 4 · province 2 · city 2 · interop type 2 · card type 1 · reserved. */
export interface InteropInfo {
  /** International code, BCD (e.g. 01560000 for China [P]). */
  intlCode: string;
  /** Province, BCD (e.g. 1100 Beijing [P]). */
  province: string;
  /** City, BCD (Beijing 1000 [P]). */
  city: string;
  /** Interoperability type: 0000 = not interoperable (a gate rejects the card). */
  interopType: number;
  cardType: number;
}

export const EF17_LAYOUT = new RecordLayout<InteropInfo>('EF 0017', [
  { name: 'intlCode', type: 'bcd', len: 4 },
  { name: 'province', type: 'bcd', len: 2 },
  { name: 'city', type: 'bcd', len: 2 },
  { name: 'interopType', type: 'uint', len: 2 },
  { name: 'cardType', type: 'uint', len: 1 },
  { name: 'reserved', type: 'reserved', len: 49 },
]);

/** An 0018 record (23 bytes) [V], written by the card on each load and purchase. */
export interface TxLogRecord {
  /** The counter the transaction used: online for loads, offline for purchases. */
  counter: number;
  overdraftFen: number;
  amountFen: number;
  /** 02 EP load, 06 EP purchase, 09 compound purchase. */
  type: number;
  /** 6 bytes hex. */
  terminalId: string;
  /** YYYYMMDDhhmmss. */
  dateTime: string;
}

export const EF18_RECORD_LAYOUT = new RecordLayout<TxLogRecord>('EF 0018', [
  { name: 'counter', type: 'uint', len: 2 },
  { name: 'overdraftFen', type: 'uint', len: 3 },
  { name: 'amountFen', type: 'uint', len: 4 },
  { name: 'type', type: 'uint', len: 1 },
  { name: 'terminalId', type: 'hex', len: 6 },
  { name: 'dateTime', type: 'bcd', len: 7 },
]);
