/**
 * Medical claim settlement over dated policy tables (Beijing employee medical insurance,
 * DOMAIN.md §7; the shipped numbers are UNCONFIRMED SAMPLE DATA and every decision says so).
 *
 * A claim is settled in two phases, each a list of steps whose amounts add up:
 *  1. fund or patient: class C items → patient; the self-paid part of class B items → patient;
 *     what remains is in scope (政策范围内). Outpatient: the annual deductible (consumed once a
 *     year across visits) → patient; above it the fund pays the rate of the person's category,
 *     age and hospital tier, up to the annual cap; the rest (co-pay, over-cap) → patient.
 *     Inpatient: the stay's deductible (first stay of the year, later stays) → patient; the rest
 *     is spread over the bands by the year's cumulative in-scope amount, each band's rate by
 *     tier, retirees paying a fraction of an employee's share, up to the annual cap.
 *  2. the patient's share → personal account (the parts the policy lets it pay, up to the
 *     balance; a family member's account only where the table allows 家庭共济) and cash.
 * Invariants (property-tested): fund + personal account + cash = total; no amount negative; caps
 * never exceeded; the deductible used never decreases nor passes the annual deductible; the
 * steps recompute every final amount. Integer fen; rates in basis points, rounded half up.
 */
import { BP_ONE, mulBpHalfUp } from './_support.js';
import { MEDICAL_POLICIES } from './data/beijing-employee-sample.js';
import { requirePolicy } from './policies.js';
import { parseClaim, type CheckedClaim } from './request.js';
import { PATIENT_SHARE_KINDS, type Claim, type MedicalPolicy, type Payer, type Settlement, type SettlementStep, type YearToDate } from './types.js';

const yuan = (fen: number): string => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
const pct = (bp: number): string => `${bp / 100} %`;

const TIER_EN = { community: 'community health centre', tier1: 'grade-1 hospital', tier2: 'grade-2 hospital', tier3: 'grade-3 hospital' } as const;
const TIER_ZH = { community: '社区卫生服务机构', tier1: '一级医院', tier2: '二级医院', tier3: '三级医院' } as const;
const CATEGORY_ZH = { employee: '在职职工', retiree: '退休人员' } as const;
const CATEGORY_EN = { employee: 'an employee', retiree: 'a retiree' } as const;

class Ledger {
  readonly steps: SettlementStep[] = [];
  add(rule: string, payer: Payer, amountFen: number, note: string, noteZh: string): void {
    this.steps.push({ rule, payer, amountFen, note, noteZh });
  }
  sum(payer: Payer, rules?: readonly string[]): number {
    let s = 0;
    for (const st of this.steps) if (st.payer === payer && (rules === undefined || rules.includes(st.rule))) s += st.amountFen;
    return s;
  }
}

/** The outpatient rate row for a category and age: the one with the highest minAge ≤ age. */
function outpatientRate(policy: MedicalPolicy, claim: CheckedClaim): { bp: number; minAge: number; confidence: string } {
  let best: MedicalPolicy['outpatient']['rates'][number] | undefined;
  for (const r of policy.outpatient.rates) if (r.category === claim.person.category && r.minAge <= claim.age && (best === undefined || r.minAge > best.minAge)) best = r;
  // checkMedicalPolicies guarantees a row from age 0 for every category.
  if (best === undefined) throw new TypeError(`medical policy ${policy.id}: no outpatient rate for ${claim.person.category}`);
  return { bp: best.rateBp[claim.visit.hospitalTier], minAge: best.minAge, confidence: best.confidence };
}

const capLeft = (cap: number | null, paidFen: number): number => (cap === null ? Number.POSITIVE_INFINITY : Math.max(0, cap - paidFen));

function settleOutpatient(policy: MedicalPolicy, claim: CheckedClaim, scopeFen: number, l: Ledger, ytd: YearToDate): void {
  const { category } = claim.person;
  const annual = policy.outpatient.deductibleFen.value[category];
  const dLeft = Math.max(0, annual - claim.ytd.outpatientDeductibleUsedFen);
  const deductible = Math.min(scopeFen, dLeft);
  l.add(
    'deductible',
    'patient',
    deductible,
    `Outpatient deductible ${yuan(annual)} yuan a year for ${CATEGORY_EN[category]} [${policy.outpatient.deductibleFen.confidence}]: ${yuan(dLeft)} left, ${yuan(deductible)} applied.`,
    `${CATEGORY_ZH[category]}门诊起付线每年 ${yuan(annual)} 元，尚余 ${yuan(dLeft)} 元，本次计入 ${yuan(deductible)} 元。`,
  );
  ytd.outpatientDeductibleUsedFen += deductible;

  const above = scopeFen - deductible;
  if (above === 0) return;
  const rate = outpatientRate(policy, claim);
  const raw = mulBpHalfUp(above, rate.bp);
  const capFen = policy.outpatient.annualFundCapFen.value;
  const left = capLeft(capFen, claim.ytd.outpatientFundPaidFen);
  const fund = Math.min(raw, left);
  const capEn = capFen === null ? 'no annual cap' : `annual cap ${yuan(capFen)} yuan, ${yuan(left)} left`;
  const capZh = capFen === null ? '不设年度封顶' : `年度封顶 ${yuan(capFen)} 元，尚余 ${yuan(left)} 元`;
  l.add(
    'outpatient-fund',
    'fund',
    fund,
    `Mutual-aid fund (门诊大额) pays ${pct(rate.bp)} of ${yuan(above)} yuan at a ${TIER_EN[claim.visit.hospitalTier]} for ${CATEGORY_EN[category]}${rate.minAge > 0 ? ` aged ${rate.minAge}+` : ''} [${rate.confidence}]; ${capEn} [${policy.outpatient.annualFundCapFen.confidence}].`,
    `门诊大额互助资金按 ${pct(rate.bp)} 支付 ${yuan(above)} 元（${TIER_ZH[claim.visit.hospitalTier]}，${CATEGORY_ZH[category]}）；${capZh}。`,
  );
  if (above - raw > 0) l.add('co-pay', 'patient', above - raw, `The patient's ${pct(BP_ONE - rate.bp)} co-pay.`, `个人负担 ${pct(BP_ONE - rate.bp)}。`);
  if (raw - fund > 0) l.add('over-cap', 'patient', raw - fund, `Above the outpatient cap: the patient pays ${yuan(raw - fund)} yuan.`, `超过门诊年度封顶，个人支付 ${yuan(raw - fund)} 元。`);
  ytd.outpatientFundPaidFen += fund;
}

function settleInpatient(policy: MedicalPolicy, claim: CheckedClaim, scopeFen: number, l: Ledger, ytd: YearToDate): void {
  const ip = policy.inpatient;
  const stay = claim.visit.stayNumberThisYear ?? claim.ytd.inpatientStays + 1;
  const ded = stay === 1 ? ip.deductibleFirstStayFen : ip.deductibleLaterStayFen;
  const deductible = Math.min(scopeFen, ded.value);
  l.add(
    'deductible',
    'patient',
    deductible,
    `Inpatient deductible for stay ${stay} of the year: ${yuan(ded.value)} yuan [${ded.confidence}], ${yuan(deductible)} applied.`,
    `本年度第 ${stay} 次住院起付线 ${yuan(ded.value)} 元，本次计入 ${yuan(deductible)} 元。`,
  );
  ytd.inpatientStays = Math.max(claim.ytd.inpatientStays, stay);

  const retiree = claim.person.category === 'retiree';
  const capFen = ip.annualFundCapFen.value;
  let left = capLeft(capFen, claim.ytd.inpatientFundPaidFen);
  // This claim's above-deductible part sits on the year's cumulative in-scope amount just after
  // its own deductible.
  const start = claim.ytd.inpatientScopeFen + deductible;
  const end = claim.ytd.inpatientScopeFen + scopeFen;
  let lower = 0;
  let fundTotal = 0;
  ip.bands.forEach((band, i) => {
    const upper = band.uptoFen ?? Number.POSITIVE_INFINITY;
    const part = Math.max(0, Math.min(end, upper) - Math.max(start, lower));
    const bandLower = lower;
    lower = upper;
    if (part === 0) return;
    const n = i + 1;
    const rateBp = band.rateBp[claim.visit.hospitalTier];
    const employeeShare = part - mulBpHalfUp(part, rateBp);
    const share = retiree ? mulBpHalfUp(employeeShare, ip.retireeShareBp.value) : employeeShare;
    const raw = part - share;
    const fund = Math.min(raw, left);
    left -= fund;
    fundTotal += fund;
    const range = band.uptoFen === null ? `above ${yuan(bandLower)} yuan` : `${yuan(bandLower)}–${yuan(band.uptoFen)} yuan`;
    const rangeZh = band.uptoFen === null ? `${yuan(bandLower)} 元以上` : `${yuan(bandLower)}–${yuan(band.uptoFen)} 元`;
    const fundName = band.fund === 'pooled' ? 'pooled fund' : 'mutual-aid fund';
    const retireeEn = retiree ? `; a retiree pays ${pct(ip.retireeShareBp.value)} of an employee's share [${ip.retireeShareBp.confidence}]` : '';
    l.add(
      `inpatient-band-${n}`,
      'fund',
      fund,
      `Band ${n} (${range} of the year's in-scope cost): the ${fundName} pays ${pct(rateBp)} of ${yuan(part)} yuan at a ${TIER_EN[claim.visit.hospitalTier]} [${band.confidence}]${retireeEn}.`,
      `第 ${n} 段（年度累计 ${rangeZh}）：${band.fund === 'pooled' ? '统筹基金' : '大额互助资金'}按 ${pct(rateBp)} 支付 ${yuan(part)} 元（${TIER_ZH[claim.visit.hospitalTier]}）${retiree ? `，退休人员负担在职职工的 ${pct(ip.retireeShareBp.value)}` : ''}。`,
    );
    if (share > 0) l.add('co-pay', 'patient', share, `Band ${n}: the patient pays ${yuan(share)} yuan.`, `第 ${n} 段个人负担 ${yuan(share)} 元。`);
    if (raw - fund > 0) {
      l.add(
        'over-cap',
        'patient',
        raw - fund,
        `Band ${n}: above the inpatient annual cap ${capFen === null ? '' : `${yuan(capFen)} yuan `}[${ip.annualFundCapFen.confidence}], the patient pays ${yuan(raw - fund)} yuan.`,
        `第 ${n} 段超过住院年度封顶，个人支付 ${yuan(raw - fund)} 元。`,
      );
    }
  });
  ytd.inpatientScopeFen = end;
  ytd.inpatientFundPaidFen += fundTotal;
}

/**
 * Settles one claim under the policy table in force on the visit date.
 * The claim is checked field by field (it may come from JSON): see parseClaim.
 * @returns fund / personal account / cash split of the total, the patient's share, the account
 *   balance after, the year-to-date accumulators after the claim, the steps, the policy table's
 *   id and the sample-data label.
 * @throws ClaimRequestError naming the field for a malformed claim, accumulators of another
 *   year, or a visit date no table covers.
 */
export function settleClaim(claim: Claim, policies: readonly MedicalPolicy[] = MEDICAL_POLICIES): Settlement {
  const c = parseClaim(claim);
  const policy = requirePolicy(c.day, policies);
  const l = new Ledger();
  const ytd: YearToDate = { ...c.ytd };
  const totalFen = c.items.reduce((s, it) => s + it.amountFen, 0);

  l.add(
    'policy',
    'none',
    0,
    `Policy table ${policy.id}, in force ${policy.effectiveFrom} to ${policy.effectiveTo ?? 'now'}${policy.sampleData ? ' — UNCONFIRMED SAMPLE DATA' : ''}.`,
    `政策表 ${policy.id}（${policy.effectiveFrom} 起）${policy.sampleData ? '——未经核实的示例数据' : ''}。`,
  );
  l.add(
    'claim',
    'none',
    0,
    `${c.visit.kind === 'outpatient' ? 'Outpatient' : 'Inpatient'} claim of ${yuan(totalFen)} yuan on ${c.day} at a ${TIER_EN[c.visit.hospitalTier]}; ${CATEGORY_EN[c.person.category]} aged ${c.age}.`,
    `${c.day} ${TIER_ZH[c.visit.hospitalTier]}${c.visit.kind === 'outpatient' ? '门诊' : '住院'}费用 ${yuan(totalFen)} 元；${CATEGORY_ZH[c.person.category]}，${c.age} 周岁。`,
  );

  let classC = 0;
  let classBSelf = 0;
  for (const it of c.items) {
    if (it.class === 'C') classC += it.amountFen;
    else if (it.class === 'B') classBSelf += mulBpHalfUp(it.amountFen, it.selfPayRatioBp ?? policy.classB.defaultSelfPayBp.value);
  }
  if (classC > 0) l.add('class-c', 'patient', classC, `Class C items (outside the catalogue): ${yuan(classC)} yuan, paid in full by the patient.`, `丙类（自费）项目 ${yuan(classC)} 元，个人全额自费。`);
  if (classBSelf > 0) {
    l.add(
      'class-b-self-pay',
      'patient',
      classBSelf,
      `Class B items: the patient first pays ${yuan(classBSelf)} yuan (default ${pct(policy.classB.defaultSelfPayBp.value)} [${policy.classB.defaultSelfPayBp.confidence}]).`,
      `乙类项目个人先行自付 ${yuan(classBSelf)} 元。`,
    );
  }
  const scopeFen = totalFen - classC - classBSelf;
  l.add('in-scope', 'none', 0, `In scope (class A, and class B after its self-paid part): ${yuan(scopeFen)} yuan.`, `政策范围内费用 ${yuan(scopeFen)} 元。`);

  if (c.visit.kind === 'outpatient') settleOutpatient(policy, c, scopeFen, l, ytd);
  else settleInpatient(policy, c, scopeFen, l, ytd);

  const fundPaysFen = l.sum('fund');
  const patientShareFen = l.sum('patient');
  const covers = policy.personalAccount.covers.value;
  const coverable = l.sum('patient', covers);
  let personalAccountFen = 0;
  if (!c.usePersonalAccount) {
    l.add('personal-account', 'none', 0, 'The personal account is not used for this claim.', '本次不使用个人账户。');
  } else if (c.personalAccountOwner === 'family' && !policy.personalAccount.familyMutualAid.value) {
    l.add(
      'personal-account',
      'none',
      0,
      `A family member's personal account may not pay under ${policy.id} [${policy.personalAccount.familyMutualAid.confidence}].`,
      `${policy.id} 不允许使用家庭成员个人账户（家庭共济）。`,
    );
  } else {
    personalAccountFen = Math.min(c.personalAccountBalanceFen, coverable);
    const whose = c.personalAccountOwner === 'family' ? "A family member's personal account (家庭共济)" : 'The personal account';
    const notCovered = PATIENT_SHARE_KINDS.filter((k) => !covers.includes(k) && l.sum('patient', [k]) > 0);
    l.add(
      'personal-account',
      'personal-account',
      personalAccountFen,
      `${whose} pays ${yuan(personalAccountFen)} yuan of ${yuan(coverable)} it may pay [${policy.personalAccount.covers.confidence}] (balance ${yuan(c.personalAccountBalanceFen)})${notCovered.length ? `; it may not pay ${notCovered.join(', ')}` : ''}.`,
      `${c.personalAccountOwner === 'family' ? '家庭成员个人账户（家庭共济）' : '个人账户'}支付 ${yuan(personalAccountFen)} 元（可支付 ${yuan(coverable)} 元，余额 ${yuan(c.personalAccountBalanceFen)} 元）。`,
    );
  }
  const cashFen = patientShareFen - personalAccountFen;
  l.add('cash', 'cash', cashFen, `Cash: ${yuan(cashFen)} yuan.`, `现金支付 ${yuan(cashFen)} 元。`);

  return {
    totalFen,
    fundPaysFen,
    patientShareFen,
    personalAccountFen,
    cashFen,
    personalAccountBalanceAfterFen: c.personalAccountBalanceFen - personalAccountFen,
    ytdUpdate: ytd,
    steps: l.steps,
    policy: policy.id,
    sampleData: policy.sampleData,
    notice: policy.notice,
  };
}
