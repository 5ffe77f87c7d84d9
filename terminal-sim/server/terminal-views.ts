/**
 * What a tap or a load answers over HTTP: the terminal's outcome flattened to JSON — outcome,
 * fare, balance, TAC, the journal record and the fare engine's steps — without the engine's
 * error objects (a CardCommandError becomes its status word) or anything secret.
 */
import type { FareDecision, FareStep } from '../../engine/rules/index.js';
import type { JournalRecord } from '../clearing/journal.js';
import type { BusOutcome } from '../terminals/bus-validator.js';
import type { GateOutcome } from '../terminals/gate.js';
import type { TopUpOutcome } from '../terminals/topup.js';

export interface TapView {
  terminal: string;
  outcome: GateOutcome['kind'] | BusOutcome['kind'];
  serial?: string;
  reason?: string;
  detail?: string;
  /** Status word (hex) of the card command that caused a refusal. */
  sw?: string;
  fareFen?: number;
  baseFareFen?: number;
  balanceFen?: number;
  tac?: string;
  recovered?: boolean;
  mac2Verified?: boolean;
  /** Interrupted: the debit's fate is unknown until the card returns. */
  pending?: boolean;
  overtime?: boolean;
  durationMinutes?: number;
  stop?: { code: number; name: string; km: number };
  distanceKm?: number;
  missingTapOff?: { line: number; stop: number; boardedAt: string; distanceKm: number; fareFen: number; baseFareFen: number };
  journal?: JournalRecord;
  /** The fare engine's reasoning, when it priced this tap. */
  steps?: FareStep[];
  /** The month accumulators after this ride (fare engine). */
  month?: { period: string; spentFen: number; rides: number };
}

export interface LoadView {
  terminal: string;
  outcome: TopUpOutcome['kind'];
  serial?: string;
  reason?: string;
  detail?: string;
  sw?: string;
  amountFen?: number;
  balanceFen?: number;
  tac?: string;
  recovered?: boolean;
  settledPending?: boolean;
  tacVerified?: boolean;
  pending?: boolean;
  journal?: JournalRecord;
}

function swOf(error: { sw?: number } | undefined): { sw?: string } {
  return error?.sw !== undefined ? { sw: error.sw.toString(16).padStart(4, '0') } : {};
}

function plainJournal(j: JournalRecord): JournalRecord {
  return { ...j };
}

export function tapView(terminal: string, o: GateOutcome | BusOutcome, decision: FareDecision | undefined): TapView {
  const base: TapView = { terminal, outcome: o.kind };
  if ('serial' in o && o.serial !== undefined) base.serial = o.serial;
  switch (o.kind) {
    case 'refused':
      return { ...base, reason: o.reason, detail: o.detail, ...swOf(o.error as { sw?: number } | undefined) };
    case 'interrupted':
      return { ...base, pending: o.pending, detail: o.detail };
    case 'unproven':
      return { ...base, detail: o.detail };
    default: {
      const out: TapView = {
        ...base,
        balanceFen: o.balanceFen,
        tac: o.journal.tac,
        recovered: o.recovered,
        journal: plainJournal(o.journal),
        ...(o.mac2Verified !== undefined ? { mac2Verified: o.mac2Verified } : {}),
      };
      if (o.kind === 'entered') out.fareFen = o.journal.amountFen;
      if (o.kind === 'exited') Object.assign(out, { fareFen: o.fareFen, baseFareFen: o.baseFareFen, overtime: o.overtime, durationMinutes: o.durationMinutes });
      if (o.kind === 'boarded') {
        Object.assign(out, { fareFen: o.journal.amountFen, stop: { ...o.stop } });
        if (o.missingTapOff) out.missingTapOff = { ...o.missingTapOff };
      }
      if (o.kind === 'alighted') Object.assign(out, { fareFen: o.fareFen, baseFareFen: o.baseFareFen, stop: { ...o.stop }, distanceKm: o.distanceKm });
      // A recovered tap was priced on an earlier presentation: this flow's decision is not its.
      if (decision && !o.recovered) {
        out.steps = decision.steps.map((s) => ({ ...s }));
        out.month = { ...decision.month };
      }
      return out;
    }
  }
}

export function loadView(terminal: string, o: TopUpOutcome): LoadView {
  const base: LoadView = { terminal, outcome: o.kind };
  if ('serial' in o && o.serial !== undefined) base.serial = o.serial;
  switch (o.kind) {
    case 'loaded':
      return {
        ...base,
        amountFen: o.amountFen,
        balanceFen: o.balanceFen,
        tac: o.journal.tac,
        recovered: o.recovered,
        settledPending: o.settledPending,
        tacVerified: o.tacVerified,
        journal: plainJournal(o.journal),
      };
    case 'refused':
      return { ...base, reason: o.reason, detail: o.detail, ...swOf(o.error as { sw?: number } | undefined) };
    case 'interrupted':
      return { ...base, pending: o.pending, detail: o.detail };
    case 'nothing-pending':
      return base;
    case 'unproven':
      return { ...base, detail: o.detail };
  }
}
