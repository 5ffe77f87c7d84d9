/**
 * The park annual pass decisions (公园年票, DOMAIN.md §6): may this person buy a pass now, and may
 * this pass (or this person without one) enter this park now. Pure functions of the request and
 * the dated data: no clock, no I/O, the same request always gives the same decision. Every
 * decision lists the rules it applied, in order, each with an English and a Chinese sentence,
 * and names the data version; every refusal names its reason.
 */
import { ageOn, beijingDate, inRange, ParkRequestError } from './_support.js';
import { PARK_DATA } from './data/index.js';
import { parseBuyRequest, parseEnterRequest } from './request.js';
import type {
  BuyDecision,
  BuyRefusal,
  BuyRequest,
  EligibilityClass,
  EnterDecision,
  EnterRefusal,
  EnterRequest,
  ParkData,
  ParkPassProduct,
  ParkPerson,
  ParkStep,
  SeniorFreeEntryRule,
  StepOutcome,
} from './types.js';

const yuan = (fen: number): string => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

function step(rule: string, outcome: StepOutcome, note: string, noteZh: string): ParkStep {
  return { rule, outcome, note, noteZh };
}

/** The product a buyer gets by default: the one on sale on `day` (the latest year if several). */
function productOnSale(data: ParkData, day: string): ParkPassProduct | undefined {
  let best: ParkPassProduct | undefined;
  for (const p of data.products) if (inRange(day, p.sale.from, p.sale.to) && (best === undefined || p.year > best.year)) best = p;
  return best;
}

function classById(data: ParkData, id: string): EligibilityClass {
  const c = data.eligibilityClasses.find((k) => k.id === id);
  // The data checker (checkParkData) rules this out for data that passed it.
  if (c === undefined) throw new TypeError(`park data ${data.version}: eligibility class "${id}" is not defined`);
  return c;
}

function seniorRuleOn(data: ParkData, day: string): SeniorFreeEntryRule | undefined {
  return data.seniorFreeEntry.find((r) => r.effectiveFrom <= day && (r.effectiveTo === null || day <= r.effectiveTo));
}

function checkedAge(person: ParkPerson, day: string): number {
  if (person.birthDate > day) throw new ParkRequestError('person.birthDate', `is after the request date ${day}`);
  return ageOn(person.birthDate, day);
}

const proofSetText = (sets: readonly (readonly string[])[]): string => sets.map((s) => s.join(' + ')).join(' or ');

/**
 * May `request.person`, showing `request.proofs`, buy a pass at `request.at`?
 * The request is checked field by field (it may come from JSON): see parseBuyRequest.
 * @returns the decision: allowed or not, the product and the class it is sold under, the price
 *   (0 when refused), every refusal, the steps, and the data version.
 * @throws ParkRequestError for a malformed request, an unknown `productId`, or a birth date after
 *   the request date.
 */
export function mayBuy(request: BuyRequest, data: ParkData = PARK_DATA): BuyDecision {
  const req = parseBuyRequest(request);
  const day = beijingDate(req.at, 'at');
  const age = checkedAge(req.person, day);
  const steps: ParkStep[] = [];
  const refusals: BuyRefusal[] = [];
  const refuse = (r: BuyRefusal): BuyDecision => ({ allowed: false, reason: r, refusals: [r], priceFen: 0, steps, data: data.version });

  let product: ParkPassProduct | undefined;
  if (req.productId !== undefined) {
    product = data.products.find((p) => p.id === req.productId);
    if (product === undefined) throw new ParkRequestError('productId', `unknown product "${req.productId}" (known: ${data.products.map((p) => p.id).join(', ')})`);
    steps.push(step('product', 'info', `Product ${product.id} asked for.`, `申请购买 ${product.name.zh}（${product.id}）。`));
  } else {
    product = productOnSale(data, day);
    if (product === undefined) {
      const next = data.products.filter((p) => p.sale.from > day).sort((a, b) => (a.sale.from < b.sale.from ? -1 : 1))[0];
      const en = next ? ` The next sale opens on ${next.sale.from} (${next.id}).` : '';
      const zh = next ? `下一期 ${next.sale.from} 开售（${next.name.zh}）。` : '';
      steps.push(step('product', 'fail', `No pass is on sale on ${day}.${en}`, `${day} 没有在售的公园年票。${zh}`));
      return refuse('no-product-on-sale');
    }
    steps.push(step('product', 'info', `On sale on ${day}: ${product.id}.`, `${day} 在售：${product.name.zh}。`));
  }

  if (inRange(day, product.sale.from, product.sale.to)) {
    steps.push(step('sale-window', 'pass', `${day} is within the sale window ${product.sale.from} to ${product.sale.to}.`, `${day} 在销售期 ${product.sale.from} 至 ${product.sale.to} 内。`));
  } else {
    refusals.push('sale-window-closed');
    steps.push(step('sale-window', 'fail', `${product.id} is sold from ${product.sale.from} to ${product.sale.to}, not on ${day}.`, `${product.name.zh} 的销售期为 ${product.sale.from} 至 ${product.sale.to}，${day} 不在销售期内。`));
  }

  steps.push(step('age', 'info', `The buyer is ${age} on ${day} (born ${req.person.birthDate}).`, `购买人 ${day} 时 ${age} 周岁（${req.person.birthDate} 出生）。`));

  const shown = new Set(req.proofs);
  let chosen: EligibilityClass | undefined;
  const missing: EligibilityClass[] = [];
  for (const id of product.eligibilityClasses) {
    const c = classById(data, id);
    const rule = `class:${c.id}`;
    if (!c.residencies.includes(req.person.residency)) {
      steps.push(step(rule, 'info', `${c.name.en} [${c.confidence}]: needs residency ${c.residencies.join(' or ')}, the buyer's is ${req.person.residency}.`, `${c.name.zh}：户籍/居住要求不符。`));
      continue;
    }
    if ((c.minAge !== undefined && age < c.minAge) || (c.maxAge !== undefined && age > c.maxAge)) {
      steps.push(step(rule, 'info', `${c.name.en} [${c.confidence}]: age ${c.minAge ?? 0} to ${c.maxAge ?? 'any'}, the buyer is ${age}.`, `${c.name.zh}：年龄要求不符（${age} 周岁）。`));
      continue;
    }
    const set = c.proofs.find((s) => s.every((p) => shown.has(p)));
    if (set === undefined) {
      missing.push(c);
      steps.push(step(rule, 'info', `${c.name.en} [${c.confidence}]: needs ${proofSetText(c.proofs)}; not shown.`, `${c.name.zh}：需出示 ${proofSetText(c.proofs)}，未出示。`));
      continue;
    }
    chosen = c;
    steps.push(step(rule, 'pass', `${c.name.en} [${c.confidence}]: residency ${req.person.residency}, shown ${set.join(' + ')}.`, `${c.name.zh}：符合条件，已出示 ${set.join(' + ')}。`));
    break;
  }
  if (chosen === undefined) {
    if (missing.length > 0) {
      refusals.push('proof-missing');
      const need = missing.map((c) => `${c.id}: ${proofSetText(c.proofs)}`).join('; ');
      steps.push(step('eligibility', 'fail', `Proof missing: show ${need}.`, `缺少证明材料：${need}。`));
    } else {
      refusals.push('not-eligible');
      steps.push(step('eligibility', 'fail', `No eligibility class of ${product.id} admits residency ${req.person.residency} at age ${age}.`, `购买人不属于 ${product.name.zh} 的任何购票人群。`));
    }
  }

  const senior = seniorRuleOn(data, day);
  if (senior && age >= senior.minAge && senior.residencies.includes(req.person.residency)) {
    steps.push(
      step(
        'senior-free-entry',
        'info',
        `At ${age} the buyer already enters ${senior.parkKinds.join(' and ')} parks free without a pass [${senior.confidence}]; the pass adds the others.`,
        `购买人 ${age} 周岁，可免费进入市属公园 [${senior.confidence}]；年票用于其他公园。`,
      ),
    );
  }

  const productOut = { id: product.id, name: product.name, year: product.year, validFrom: product.validity.from, validTo: product.validity.to };
  if (refusals.length > 0) return { allowed: false, reason: refusals[0], refusals, product: productOut, priceFen: 0, steps, data: data.version };
  steps.push(step('price', 'pass', `Price ${yuan(product.priceFen)} yuan; valid ${product.validity.from} to ${product.validity.to}.`, `票价 ${yuan(product.priceFen)} 元，有效期 ${product.validity.from} 至 ${product.validity.to}。`));
  return { allowed: true, reason: 'eligible', refusals: [], product: productOut, eligibilityClass: chosen!.id, priceFen: product.priceFen, steps, data: data.version };
}

/**
 * May this pass (or this person without a pass) enter `request.park` at `request.at`?
 * A senior who qualifies for free entry enters free even with a pass, and no entry is counted on
 * the pass. Otherwise the first failing rule refuses, in this order: no pass, blocked, unknown
 * product, record inconsistent with its product, not yet valid, expired, park not covered,
 * daily limit.
 * The request is checked field by field (it may come from JSON): see parseEnterRequest.
 * @returns the decision, its reason, whether the gate logs an entry on the pass, the steps, and
 *   the data version.
 * @throws ParkRequestError for a malformed request or a birth date after the request date.
 */
export function mayEnter(request: EnterRequest, data: ParkData = PARK_DATA): EnterDecision {
  const req = parseEnterRequest(request);
  const day = beijingDate(req.at, 'at');
  const steps: ParkStep[] = [];
  const refuse = (reason: EnterRefusal, product?: string): EnterDecision => ({
    allowed: false,
    reason,
    countsAsEntry: false,
    steps,
    ...(product === undefined ? {} : { product }),
    data: data.version,
  });

  const park = data.parks.find((p) => p.id === req.park);
  if (park) steps.push(step('park', 'info', `${park.name.en}, a ${park.kind} park [${park.confidence}].`, `${park.name.zh}（${park.kind === 'municipal' ? '市属' : '区属'}公园）。`));
  else steps.push(step('park', 'info', `Park ${req.park} is not in the park registry of ${data.version}.`, `公园 ${req.park} 不在 ${data.version} 的公园名录中。`));

  if (req.person !== undefined) {
    const age = checkedAge(req.person, day);
    const rule = seniorRuleOn(data, day);
    if (rule === undefined) {
      steps.push(step('senior-free-entry', 'info', `No senior free-entry rule is in force on ${day}.`, `${day} 无老年人免费入园规定。`));
    } else if (age < rule.minAge) {
      steps.push(step('senior-free-entry', 'info', `The holder is ${age}, under ${rule.minAge}: no free entry.`, `持卡人 ${age} 周岁，未满 ${rule.minAge} 周岁，不享受免费入园。`));
    } else if (!rule.residencies.includes(req.person.residency)) {
      steps.push(step('senior-free-entry', 'info', `Free entry at ${rule.minAge}+ is for residency ${rule.residencies.join(' or ')}, the holder's is ${req.person.residency}.`, `老年人免费入园限本市户籍，持卡人不符。`));
    } else if (park === undefined || !rule.parkKinds.includes(park.kind)) {
      steps.push(step('senior-free-entry', 'info', `Free entry at ${rule.minAge}+ covers ${rule.parkKinds.join(' and ')} parks only.`, `老年人免费入园仅限市属公园。`));
    } else {
      steps.push(
        step('senior-free-entry', 'pass', `The holder is ${age}, a Beijing resident: free entry to a ${park.kind} park without a pass [${rule.confidence}]; no pass entry is counted.`, `持卡人 ${age} 周岁，本市户籍，免费进入市属公园 [${rule.confidence}]，不计年票入园次数。`),
      );
      return { allowed: true, reason: 'senior-free-entry', countsAsEntry: false, steps, data: data.version };
    }
  }

  const pass = req.pass;
  if (pass === undefined) {
    steps.push(step('pass', 'fail', 'No park pass on the card.', '卡内无公园年票。'));
    return refuse('no-pass');
  }
  if (pass.status === 'blocked') {
    steps.push(step('pass-status', 'fail', 'The pass is blocked.', '年票已挂失/停用。'));
    return refuse('pass-blocked', pass.productId);
  }
  steps.push(step('pass-status', 'pass', 'The pass is active.', '年票状态正常。'));

  const product = data.products.find((p) => p.id === pass.productId);
  if (product === undefined) {
    steps.push(step('product', 'fail', `Product ${pass.productId} is not in ${data.version}.`, `年票产品 ${pass.productId} 不在 ${data.version} 中。`));
    return refuse('product-unknown', pass.productId);
  }
  const mismatch =
    pass.year !== product.year
      ? `year ${pass.year} is not the product's ${product.year}`
      : !product.eligibilityClasses.includes(pass.eligibilityClass)
        ? `class ${pass.eligibilityClass} is not sold under ${product.id}`
        : pass.validFrom > pass.validTo || pass.validFrom < product.validity.from || pass.validTo > product.validity.to
          ? `validity ${pass.validFrom} to ${pass.validTo} is outside the product's ${product.validity.from} to ${product.validity.to}`
          : undefined;
  if (mismatch !== undefined) {
    steps.push(step('pass-record', 'fail', `The pass record does not match ${product.id}: ${mismatch}.`, `年票记录与产品 ${product.id} 不符。`));
    return refuse('pass-record-mismatch', product.id);
  }
  steps.push(step('pass-record', 'pass', `${product.id}, class ${pass.eligibilityClass}.`, `${product.name.zh}，购票人群 ${pass.eligibilityClass}。`));

  if (day < pass.validFrom) {
    steps.push(step('validity', 'fail', `The pass is valid from ${pass.validFrom}; today is ${day}.`, `年票 ${pass.validFrom} 起生效，今天是 ${day}。`));
    return refuse('pass-not-yet-valid', product.id);
  }
  if (day > pass.validTo) {
    steps.push(step('validity', 'fail', `The pass expired on ${pass.validTo}; today is ${day}.`, `年票已于 ${pass.validTo} 过期，今天是 ${day}。`));
    return refuse('pass-expired', product.id);
  }
  steps.push(step('validity', 'pass', `${day} is within ${pass.validFrom} to ${pass.validTo}.`, `${day} 在有效期 ${pass.validFrom} 至 ${pass.validTo} 内。`));

  const cover = product.coverage.find((c) => c.parkId === req.park);
  if (cover === undefined) {
    steps.push(step('coverage', 'fail', `${product.id} does not cover ${req.park}.`, `${product.name.zh} 不含 ${park?.name.zh ?? req.park}。`));
    return refuse('park-not-covered', product.id);
  }
  steps.push(step('coverage', 'pass', `${product.id} covers ${req.park}.`, `${product.name.zh} 含 ${park?.name.zh ?? req.park}。`));

  if (cover.maxEntriesPerDay !== null && req.entriesToday >= cover.maxEntriesPerDay) {
    steps.push(
      step('daily-limit', 'fail', `${req.entriesToday} entries today already; the limit is ${cover.maxEntriesPerDay} a day [${cover.confidence}].`, `今日已入园 ${req.entriesToday} 次，每日限 ${cover.maxEntriesPerDay} 次 [${cover.confidence}]。`),
    );
    return refuse('daily-limit-reached', product.id);
  }
  const limit = cover.maxEntriesPerDay === null ? 'no daily limit' : `${req.entriesToday} of ${cover.maxEntriesPerDay} entries used today [${cover.confidence}]`;
  const limitZh = cover.maxEntriesPerDay === null ? '不限次数' : `今日已入园 ${req.entriesToday} 次，每日限 ${cover.maxEntriesPerDay} 次`;
  steps.push(step('daily-limit', 'pass', `${limit}; the entry is logged on the pass.`, `${limitZh}；本次入园记入年票。`));
  return { allowed: true, reason: 'pass-valid', countsAsEntry: true, steps, product: product.id, data: data.version };
}
