// Tests for the card OS (engine/card/card.ts, iso-commands.ts, fs.ts): the ATR (ISO/IEC 7816-3
// §8), power, SELECT by AID / FID / path (ISO/IEC 7816-4 §11.2.2), READ BINARY and READ RECORD
// with SFIs (§11.3.3, §11.4.3), the write commands the purse files refuse, GET CHALLENGE, the
// CLA / INS checks, blocked applications, T=0 framing (61xx, GET RESPONSE, 6Cxx), determinism
// under a seed and the card image round trip.
import { describe, expect, it } from 'vitest';
import { CardPowerError } from '../../engine/card/card.js';
import type { Card } from '../../engine/card/card.js';
import { buildAtr, cardFromImage, issueCard, issueCardImage } from '../../engine/personalise/issue-card.js';
import { decodeTlv, findTlv } from '../../engine/apdu/tlv.js';
import { swInfo } from '../../engine/apdu/sw.js';
import { TX_TYPE } from '../../engine/apps/transit/purse-crypto.js';
import {
  be,
  cardKeysOf,
  compoundRecord,
  creditApdu,
  debitApdu,
  exchange,
  h,
  hx,
  initLoadApdu,
  initPurchaseApdu,
  load,
  loadMac2,
  nvmCells,
  parseLoadInit,
  parsePurchaseInit,
  peekPurse,
  purchase,
  purchaseMac1,
  SELECT_TRANSIT,
  send,
  TRANSIT_AID_BYTES,
  travelRecord,
} from './support/purse-terminal.js';

const AID = 'A000000632010105';

/** A powered T=1 card with the transit application selected (its EF 0015 read as a check). */
function poweredCard(opts: Parameters<typeof issueCard>[0] = {}): Card {
  const card = issueCard({ seed: 11, balanceFen: 5_000, ...opts });
  card.powerOn();
  return card;
}

function selected(opts: Parameters<typeof issueCard>[0] = {}): Card {
  const card = poweredCard(opts);
  expect(exchange(card, SELECT_TRANSIT).sw).toBe(0x9000);
  return card;
}

/** SW as four lower-case hex digits and the data as hex: one string makes failures readable. */
function r(card: Card, apdu: string | Uint8Array): string {
  const { data, sw } = send(card, apdu);
  return data.length ? `${hx(data)} ${sw.toString(16).padStart(4, '0')}` : sw.toString(16).padStart(4, '0');
}

// ---------------------------------------------------------------------------------------------
// ATR

interface ParsedAtr {
  t0: number;
  protocols: number[];
  historical: Uint8Array;
  tck: number | undefined;
}

/** A strict ISO/IEC 7816-3 §8.2 ATR parser: every byte accounted for, TCK checked when due. */
function parseAtr(atr: Uint8Array): ParsedAtr {
  if (atr.length < 2 || atr.length > 33) throw new Error(`ATR of ${atr.length} bytes`);
  if (atr[0] !== 0x3b && atr[0] !== 0x3f) throw new Error(`TS ${atr[0].toString(16)}`);
  const t0 = atr[1];
  const k = t0 & 0x0f;
  let y = t0 >> 4;
  let i = 2;
  const protocols: number[] = [];
  while (true) {
    if (y & 0x1) i++; // TAi
    if (y & 0x2) i++; // TBi
    if (y & 0x4) i++; // TCi
    if (!(y & 0x8)) break;
    const td = atr[i++];
    if (td === undefined) throw new Error('ATR truncated in the interface bytes');
    protocols.push(td & 0x0f);
    y = td >> 4;
  }
  const historical = atr.slice(i, i + k);
  if (historical.length !== k) throw new Error('ATR truncated in the historical bytes');
  i += k;
  // §8.2.5: TCK is present unless only T=0 is indicated.
  const tckDue = protocols.some((p) => p !== 0);
  let tck: number | undefined;
  if (tckDue) {
    if (i !== atr.length - 1) throw new Error(`ATR: TCK expected at offset ${i}, length ${atr.length}`);
    tck = atr[i];
    let x = 0;
    for (let j = 1; j < atr.length; j++) x ^= atr[j];
    if (x !== 0) throw new Error('ATR: TCK does not check');
  } else if (i !== atr.length) throw new Error(`ATR: ${atr.length - i} bytes left over`);
  return { t0, protocols, historical, tck };
}

describe('ATR (ISO/IEC 7816-3 §8)', () => {
  it('T=1: valid, T=1 indicated, TCK checks, historical bytes 80 54 "SSC3"', () => {
    const card = issueCard();
    const atr = card.powerOn();
    expect(hx(atr)).toBe(hx(buildAtr('T=1')));
    const p = parseAtr(atr);
    expect(p.protocols).toContain(1);
    expect(p.tck).toBeDefined();
    expect(hx(p.historical)).toBe('805453534333');
    // A corrupted TCK, or any other byte, no longer checks.
    for (let i = 1; i < atr.length; i++) {
      const bad = atr.slice();
      bad[i] ^= 0x01;
      expect(() => parseAtr(bad), `byte ${i}`).toThrow();
    }
  });

  it('T=0 variant: valid, only T=0, no TCK', () => {
    const card = issueCard({ protocol: 'T=0' });
    const atr = card.powerOn();
    const p = parseAtr(atr);
    expect(p.protocols.every((x) => x === 0)).toBe(true);
    expect(p.tck).toBeUndefined();
    expect(hx(p.historical)).toBe('805453534333');
    expect(card.protocol).toBe('T=0');
  });

  it('powerOn returns a copy: the caller cannot alter the card ATR', () => {
    const card = issueCard();
    const a = card.powerOn();
    a.fill(0);
    expect(hx(card.powerOn())).toBe(hx(buildAtr('T=1')));
  });
});

describe('power', () => {
  it('transmit before powerOn and after powerOff throws CardPowerError (not torn)', () => {
    const card = issueCard();
    const probe = () => card.transmit(h(SELECT_TRANSIT));
    expect(probe).toThrow(CardPowerError);
    try {
      probe();
    } catch (e) {
      expect((e as CardPowerError).torn).toBe(false);
    }
    card.powerOn();
    expect(send(card, SELECT_TRANSIT).sw).toBe(0x9000);
    card.powerOff();
    expect(card.isPowered).toBe(false);
    expect(probe).toThrow(CardPowerError);
  });

  it('a power cycle drops the selection (back at the MF)', () => {
    const card = selected();
    expect(r(card, '00B0950001')).toBe('10 9000');
    card.powerOff();
    card.powerOn();
    expect(r(card, '00B0950001')).toBe('6a82');
  });

  it('transmit rejects a non-Uint8Array with TypeError (programmer error)', () => {
    const card = poweredCard();
    expect(() => card.transmit([0, 0xa4, 0, 0] as unknown as Uint8Array)).toThrow(TypeError);
  });
});

// ---------------------------------------------------------------------------------------------
// SELECT

describe('SELECT (ISO/IEC 7816-4 §11.2.2)', () => {
  function fci(card: Card, apdu: string) {
    const { data, sw } = send(card, apdu);
    expect(sw).toBe(0x9000);
    return decodeTlv(data);
  }

  it('by AID: FCI 6F { 84 AID, A5 { 9F0C = EF 0015 } }', () => {
    const card = poweredCard();
    const t = fci(card, `00A4040008${AID}`);
    expect(hx(findTlv(t, 0x6f, 0x84)!.value)).toBe(AID.toLowerCase());
    const ef15 = findTlv(t, 0x6f, 0xa5, 0x9f0c)!.value;
    expect(ef15.length).toBe(30);
    expect(r(card, '00B095001E')).toBe(`${hx(ef15)} 9000`);
  });

  it('by AID with Le 00 (case 4) and P2 04 (FCP requested) gives the same FCI', () => {
    const card = poweredCard();
    const a = r(card, `00A4040008${AID}`);
    expect(r(card, `00A4040008${AID}00`)).toBe(a);
    expect(r(card, `00A4040408${AID}`)).toBe(a);
  });

  it.each(['A0000006320101', 'A000000632', 'A0'])('by right-truncated DF name %s selects the transit application', (partial) => {
    const card = poweredCard();
    const full = r(card, `00A4040008${AID}`);
    card.powerOff();
    card.powerOn();
    expect(r(card, `00A40400${(partial.length / 2).toString(16).padStart(2, '0')}${partial}`)).toBe(full);
    expect(r(card, '00B0950001')).toBe('10 9000');
  });

  it.each([
    ['PKCS#15 (OpenSC probe)', 'A000000063504B43532D3135'],
    ['PIV (OpenSC probe)', 'A00000030800001000'],
    ['OpenPGP (OpenSC probe)', 'D27600012401'],
    ['PBOC debit', 'A000000333010101'],
    ['social security environment', '7378312E73682EC9E7BBE1B1A3D5CF'],
    ['transit AID plus one byte', `${AID}01`],
    ['transit AID, last byte changed', 'A000000632010106'],
  ])('unknown AID (%s) → 6A82, no data, selection unchanged', (_name, aid) => {
    const card = selected();
    expect(r(card, `00A40400${(aid.length / 2).toString(16).padStart(2, '0')}${aid}`)).toBe('6a82');
    // Still in the transit application.
    expect(r(card, '00B0950001')).toBe('10 9000');
  });

  it('by FID: 3F00 (FCP of the MF), 1001 (the transit ADF: its FCI), EFs 0015–001E (FCP)', () => {
    const card = poweredCard();
    expect(r(card, '00A40000023F00')).toBe('620782013883023f00 9000');
    expect(r(card, '00A40000021001')).toBe(r(card, `00A4040008${AID}`));
    // ISO 7816-4 FCP: 82 file descriptor (01 transparent, 02 linear fixed, 06 cyclic; record
    // files add 21 00 recordLen maxRecords), 83 FID, 80 size of a transparent EF.
    expect(r(card, '00A40000020015')).toBe('620b820101830200158002001e 9000');
    expect(r(card, '00A40000020016')).toBe('620b8201018302001680020037 9000');
    expect(r(card, '00A40000020017')).toBe('620b820101830200178002003c 9000');
    expect(r(card, '00A40000020018')).toBe('620b8205062100170a83020018 9000');
    expect(r(card, '00A4000002001A')).toBe('620b820502210080028302001a 9000');
    expect(r(card, '00A4000002001E')).toBe('620b8205062100301e8302001e 9000');
    // P1 02: EF under the current DF.
    expect(r(card, '00A40200020016')).toBe('620b8201018302001680020037 9000');
    // Back to the MF from inside the application, then the ADF by its own FID.
    expect(r(card, '00A40000023F00')).toBe('620782013883023f00 9000');
    expect(r(card, '00A40000021001').endsWith('9000')).toBe(true);
  });

  it('a selected EF is the current EF of READ BINARY without SFI', () => {
    const card = selected();
    const whole = r(card, '00B095001E');
    expect(r(card, '00A40000020015')).toMatch(/9000$/);
    expect(r(card, '00B000001E')).toBe(whole);
  });

  it('FIDs not reachable from the current DF → 6A82', () => {
    const card = poweredCard();
    expect(r(card, '00A40000020015')).toBe('6a82'); // EF of the ADF, seen from the MF
    expect(r(card, '00A40000020099')).toBe('6a82');
    expect(r(card, '00A40200021001')).toBe('6a82'); // P1 02 selects EFs only
    expect(r(card, '00A40000022F00')).toBe('6a82');
  });

  it('by path from the MF (P1 08) and from the current DF (P1 09)', () => {
    const card = poweredCard();
    expect(r(card, '00A40800063F0010010015')).toBe('620b820101830200158002001e 9000');
    expect(r(card, '00A408000410010018')).toBe('620b8205062100170a83020018 9000');
    expect(r(card, '00A40800021001')).toBe(r(card, `00A4040008${AID}`));
    // P1 09 from the ADF.
    expect(r(card, '00A40900020017')).toBe('620b820101830200178002003c 9000');
    expect(r(card, '00B0970004')).toMatch(/ 9000$/);
    // Not found, below an EF, odd length.
    expect(r(card, '00A408000410010099')).toBe('6a82');
    expect(r(card, '00A4080006100100150016')).toBe('6a82');
    expect(r(card, '00A408000310010F')).toBe('6700');
  });

  it('P2 0C: no response data, selection done', () => {
    const card = poweredCard();
    expect(r(card, `00A4040C08${AID}`)).toBe('9000');
    expect(r(card, '00B0950001')).toBe('10 9000');
    expect(r(card, '00A4000C023F00')).toBe('9000');
    expect(r(card, '00A4000C00')).toBe('9000'); // 5 bytes = case 2 (Le 00): still no data with P2 0C
    expect(r(card, '00A4000C')).toBe('9000'); // no data: the MF
    expect(r(card, '00A4080C0410010015')).toBe('9000');
    expect(r(card, '00B000000A')).toBe('10001000000000000101 9000');
  });

  it.each([
    ['P1 01 (child DF by FID, unsupported)', '00A40100021001'],
    ['P1 03 (parent DF)', '00A40300'],
    ['P1 05', `00A4050008${AID}`],
    ['P1 FF', '00A4FF00023F00'],
    ['P2 01 (last occurrence)', `00A4040108${AID}`],
    ['P2 02 (next occurrence)', `00A4040208${AID}`],
    ['P2 08 (FMD)', '00A40008023F00'],
    ['P2 0D', '00A4000D023F00'],
  ])('bad P1/P2: %s → 6A86', (_name, apdu) => {
    const card = poweredCard();
    expect(r(card, apdu)).toBe('6a86');
  });

  it.each([
    ['FID of 1 byte', '00A40000013F'],
    ['FID of 3 bytes', '00A40000033F0000'],
    ['P1 02 without data', '00A40200'],
    ['DF name of 0 bytes (case 2)', '00A4040000'],
    ['DF name of 17 bytes', `00A4040011${AID}${AID}00`],
    ['path of 3 bytes', '00A408000310010F'],
    ['Lc larger than the data', `00A4040009${AID}`],
    ['Lc smaller than the data (and no Le byte left)', `00A4040006${AID}`],
  ])('bad lengths: %s → 6700', (_name, apdu) => {
    const card = poweredCard();
    expect(r(card, apdu)).toBe('6700');
  });
});

// ---------------------------------------------------------------------------------------------
// READ BINARY

describe('READ BINARY (ISO/IEC 7816-4 §11.3.3)', () => {
  it('00 B0 95 00 1E: EF 0015 with the layout of DOMAIN.md §3', () => {
    const card = selected({ seed: 3 });
    const { data, sw } = send(card, '00B095001E');
    expect(sw).toBe(0x9000);
    expect(hx(data.subarray(0, 8))).toBe('1000100000000000'); // issuer id
    expect(hx(data.subarray(8, 10))).toBe('0101'); // app type, app version
    expect(hx(data.subarray(10, 20))).toBe(String(card.info.serial)); // app serial, BCD
    expect(hx(data.subarray(20, 24))).toBe('20260101'); // start date
    expect(hx(data.subarray(24, 28))).toBe('20360101'); // expiry: +10 years
    expect(hx(data.subarray(28, 30))).toBe('0100'); // card type 01 standard, deposit 0
  });

  it('EF 0016 (55 B) and EF 0017 (60 B, Beijing 1000, interoperable)', () => {
    const card = selected({ holder: { name: '张三', idNumber: '110101199003077777' } });
    const ef16 = send(card, '00B0960037');
    expect(ef16.sw).toBe(0x9000);
    expect(ef16.data.length).toBe(55);
    expect(ef16.data[0]).toBe(1);
    expect(new TextDecoder().decode(ef16.data.subarray(1, 21)).replace(/\0+$/, '')).toBe('张三');
    const ef17 = send(card, '00B097003C');
    expect(ef17.sw).toBe(0x9000);
    expect(ef17.data.length).toBe(60);
    expect(hx(ef17.data.subarray(6, 8))).toBe('1000');
    expect(hx(ef17.data.subarray(8, 10))).toBe('0001');
  });

  it('offsets, Le 00, extended Le, no Le', () => {
    const card = selected();
    const whole = send(card, '00B095001E').data;
    expect(r(card, '00B0950A0A')).toBe(`${hx(whole.subarray(10, 20))} 9000`); // the app serial
    expect(r(card, '00B0951D01')).toBe(`${hx(whole.subarray(29))} 9000`);
    // Le 00 = "up to 256": the whole file, 9000 (ISO 7816-4: no 6282 for the "all" forms).
    expect(r(card, '00B0950000')).toBe(`${hx(whole)} 9000`);
    expect(r(card, '00B095000000')).toBe('6700'); // 6 bytes with a 00 length byte: no case
    expect(r(card, '00B0950000001E')).toBe(`${hx(whole)} 9000`); // extended Le 30
    expect(r(card, '00B09500000000')).toBe(`${hx(whole)} 9000`); // extended Le 65536
    expect(r(card, '00B09500')).toBe(`${hx(whole)} 9000`); // case 1: everything
    // Offset in P1-P2 (P1 b8 = 0) on the current EF.
    expect(r(card, '00B0000A0A')).toBe(`${hx(whole.subarray(10, 20))} 9000`);
  });

  it('beyond the end: offset past the end → 6B00; fewer bytes than Le → 6282 with the data', () => {
    const card = selected();
    const whole = send(card, '00B095001E').data;
    expect(r(card, '00B0951F01')).toBe('6b00');
    expect(r(card, '00B095FF01')).toBe('6b00');
    expect(r(card, '00B0001F01')).toBe('6b00');
    expect(r(card, '00B0951020')).toBe(`${hx(whole.subarray(16))} 6282`);
    expect(r(card, '00B095001F')).toBe(`${hx(whole)} 6282`);
    expect(r(card, '00B0951E01')).toBe('6282'); // at the end: nothing to give
  });

  it('on a record file → 6981; no current EF → 6986; unknown SFI → 6A82; P1 b7–b6 with SFI → 6A86; data → 6700', () => {
    const card = selected();
    expect(r(card, '00B0000010')).toBe('6986'); // the ADF is selected, no EF
    expect(r(card, '00B0980000')).toBe('6981');
    expect(r(card, '00B09A0000')).toBe('6981');
    expect(r(card, '00B09E0000')).toBe('6981');
    expect(r(card, '00B0850001')).toBe('6a82');
    expect(r(card, '00B0E00001')).toBe('6a86');
    expect(r(card, '00B095000100')).toBe('6700');
    expect(r(card, '00B0950001000A')).toBe('6700');
    // Selecting a record EF and then reading it as binary.
    expect(r(card, '00A4000C020018')).toBe('9000');
    expect(r(card, '00B0000010')).toBe('6981');
  });
});

// ---------------------------------------------------------------------------------------------
// READ RECORD

describe('READ RECORD (ISO/IEC 7816-4 §11.4.3)', () => {
  /** A card with one load, one EP purchase and one CAPP purchase (1A rail record, one 1E record). */
  function withHistory(): { card: Card; rail: Uint8Array; travel: Uint8Array } {
    const card = selected({ seed: 21, balanceFen: 0 });
    const keys = cardKeysOf(card, '3des');
    load(card, '3des', keys, 2_000);
    purchase(card, '3des', keys, 300);
    const init = parsePurchaseInit(exchange(card, initPurchaseApdu('capp', 200)).data);
    const rail = compoundRecord(0x01, 0x01, 0x5a);
    const travel = travelRecord(0x33);
    expect(r(card, `80DC01D080${hx(rail)}`)).toBe('9000');
    expect(r(card, `80DC00F030${hx(travel)}`)).toBe('9000');
    const seq = h('00000001');
    expect(send(card, debitApdu(seq, purchaseMac1('3des', keys, init, 200, TX_TYPE.CAPP_PURCHASE, seq))).sw).toBe(0x9000);
    return { card, rail, travel };
  }

  it('00 B2 01 C4 17: the newest 0018 record; 01 D4 80 the 1A rail record; nn F4 30 the 1E log', () => {
    const { card, rail, travel } = withHistory();
    const rec1 = send(card, '00B201C417');
    expect(rec1.sw).toBe(0x9000);
    expect(rec1.data.length).toBe(23);
    expect(rec1.data[9]).toBe(0x09); // the CAPP purchase is the newest
    expect(send(card, '00B202C417').data[9]).toBe(0x06);
    expect(send(card, '00B203C417').data[9]).toBe(0x02);
    expect(r(card, '00B201D480')).toBe(`${hx(rail)} 9000`);
    const bus = new Uint8Array(128);
    bus[0] = 0x02;
    expect(r(card, '00B202D480')).toBe(`${hx(bus)} 9000`);
    expect(r(card, '00B201F430')).toBe(`${hx(travel)} 9000`);
    // Le 00 and no Le give the whole record too.
    expect(r(card, '00B201D400')).toBe(`${hx(rail)} 9000`);
    expect(r(card, '00B201D4')).toBe(`${hx(rail)} 9000`);
  });

  it('missing records → 6A83', () => {
    const { card } = withHistory();
    expect(r(card, '00B204C417')).toBe('6a83');
    expect(r(card, '00B20AC417')).toBe('6a83');
    expect(r(card, '00B2FFC417')).toBe('6a83');
    expect(r(card, '00B203D480')).toBe('6a83');
    expect(r(card, '00B202F430')).toBe('6a83');
    const fresh = selected({ seed: 22 });
    expect(r(fresh, '00B201C417')).toBe('6a83');
    expect(r(fresh, '00B201F430')).toBe('6a83');
  });

  it.each([
    ['record 0 (current record)', '00B200C417'],
    ['mode 000 (first occurrence of an id)', '00B201C017'],
    ['mode 001', '00B201C117'],
    ['mode 010', '00B201C217'],
    ['mode 011', '00B201C317'],
    ['mode 101 (from P1 to the last)', '00B201C517'],
    ['mode 110', '00B201C617'],
    ['mode 111', '00B201C717'],
  ])('unsupported mode: %s → 6A86', (_name, apdu) => {
    const { card } = withHistory();
    expect(r(card, apdu)).toBe('6a86');
  });

  it('on a transparent EF → 6981; unknown SFI → 6A82; command data → 6700', () => {
    const card = selected();
    expect(r(card, '00B201AC00')).toBe('6981'); // SFI 15
    expect(r(card, '00B2018C00')).toBe('6a82'); // SFI 11
    expect(r(card, '00B201D40100')).toBe('6700');
  });
});

// ---------------------------------------------------------------------------------------------
// Write commands on the purse files

describe('UPDATE BINARY / UPDATE RECORD / APPEND RECORD on transit files → 6982', () => {
  const rec = (len: number) => hx(new Uint8Array(len).fill(0xee));
  it.each([
    ['UPDATE BINARY 0015 (SFI)', `00D6950001EE`],
    ['UPDATE BINARY 0016 (SFI)', `00D696000A${rec(10)}`],
    ['UPDATE BINARY 0017 (SFI, city code)', '00D69706020100'],
    ['UPDATE BINARY 0015 (current EF)', null],
    ['UPDATE RECORD 001A rail record', `00DC01D480${rec(128)}`],
    ['UPDATE RECORD 0018 record 1', `00DC01C417${rec(23)}`],
    ['UPDATE RECORD 001E record 1', `00DC01F430${rec(48)}`],
    ['APPEND RECORD 0018', `00E200C017${rec(23)}`],
    ['APPEND RECORD 001E', `00E200F030${rec(48)}`],
    ['APPEND RECORD 001A', `00E200D080${rec(128)}`],
  ])('%s', (_name, apdu) => {
    const card = selected({ seed: 31 });
    const keys = cardKeysOf(card, '3des');
    load(card, '3des', keys, 2_000);
    const before = nvmCells(card);
    if (apdu === null) {
      expect(r(card, '00A4000C020015')).toBe('9000');
      expect(r(card, '00D6000001EE')).toBe('6982');
    } else expect(r(card, apdu)).toBe('6982');
    expect(nvmCells(card)).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------
// GET CHALLENGE, CLA and INS checks

describe('GET CHALLENGE (ISO/IEC 7816-4 §11.5.3)', () => {
  it('4 and 8 bytes, fresh each time', () => {
    const card = poweredCard();
    const a = send(card, '0084000004');
    const b = send(card, '0084000008');
    const c = send(card, '0084000008');
    expect([a.sw, b.sw, c.sw]).toEqual([0x9000, 0x9000, 0x9000]);
    expect([a.data.length, b.data.length]).toEqual([4, 8]);
    expect(hx(b.data)).not.toBe(hx(c.data));
  });

  it.each([
    ['Le 05', '0084000005'],
    ['Le 01', '0084000001'],
    ['Le 00 (256)', '0084000000'],
    ['no Le', '00840000'],
    ['with data', '008400000100'],
    ['extended Le 8 with data', '00840000000001000008'],
  ])('bad length: %s → 6700', (_name, apdu) => {
    const card = poweredCard();
    expect(r(card, apdu)).toBe('6700');
  });

  it('P1/P2 not 00 → 6A86', () => {
    const card = poweredCard();
    expect(r(card, '0084010004')).toBe('6a86');
    expect(r(card, '0084000104')).toBe('6a86');
  });
});

describe('CLA and INS checks', () => {
  it.each([
    ['INS 00', '6d00', '00000000'],
    ['GET DATA (CA), not implemented', '6d00', '00CA9F7F00'],
    ['INS 6x is invalid (ISO 7816-4 §5.1.2)', '6d00', '00600000'],
    ['INS 9x is invalid', '6d00', '00900000'],
    ['proprietary INS unknown to the application', '6d00', '80CA000000'],
    ['proprietary INS with no application selected', '6d00', '805C000204'],
    ['CLA FF', '6e00', 'FFA4040008A000000632010105'],
    ['CLA FF, case 1', '6e00', 'FF000000'],
    ['CLA 20 (reserved bits)', '6e00', '20A40000023F00'],
    ['CLA 40', '6e00', '40B0950001'],
    ['CLA 01 (logical channel 1)', '6881', '01A4040008A000000632010105'],
    ['CLA 02', '6881', '02B0950001'],
    ['CLA 03', '6881', '0384000004'],
    ['CLA 0C (secure messaging) on READ BINARY', '6882', '0CB0950001'],
    ['CLA 04 on GET CHALLENGE', '6882', '0484000004'],
  ])('%s → %s', (_name, sw, apdu) => {
    const card = poweredCard();
    expect(r(card, apdu)).toBe(sw);
  });

  it('short APDUs (0–3 bytes) → 6700', () => {
    const card = poweredCard();
    for (const a of ['', '00', '00A4', '00A404']) expect(r(card, h(a)), a).toBe('6700');
  });
});

// ---------------------------------------------------------------------------------------------
// Blocked application

describe('blocked application (setApplicationBlocked)', () => {
  it('SELECT by AID, FID and path → 6A81; the MF still selects; unblocking restores', () => {
    const card = poweredCard();
    card.setApplicationBlocked(TRANSIT_AID_BYTES, true);
    expect(r(card, SELECT_TRANSIT)).toBe('6a81');
    expect(r(card, '00A4040007A0000006320101')).toBe('6a81');
    expect(r(card, '00A40000021001')).toBe('6a81');
    expect(r(card, '00A408000410010015')).toBe('6a81');
    expect(r(card, '00A40000023F00')).toBe('620782013883023f00 9000');
    expect(swInfo(0x6a81).name).not.toBe('UNKNOWN');
    // The block is in NVM: it survives a power cycle and the image.
    card.powerOff();
    card.powerOn();
    expect(r(card, SELECT_TRANSIT)).toBe('6a81');
    const restored = cardFromImage(JSON.parse(JSON.stringify(card.toJSON())));
    restored.powerOn();
    expect(r(restored, SELECT_TRANSIT)).toBe('6a81');
    card.setApplicationBlocked(TRANSIT_AID_BYTES, false);
    expect(r(card, SELECT_TRANSIT)).toMatch(/9000$/);
    expect(r(card, '805C000204')).toBe('00001388 9000');
  });

  it('rejects an unknown or partial AID with RangeError', () => {
    const card = poweredCard();
    expect(() => card.setApplicationBlocked(h('A000000632'), true)).toThrow(RangeError);
    expect(() => card.setApplicationBlocked(h('A000000333010101'), true)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------
// T=0 framing

describe('T=0 framing (ISO/IEC 7816-3 §10.3.4, 7816-4 §5.3)', () => {
  const t0 = (seed = 41) => selectedT0(seed);
  function selectedT0(seed: number): Card {
    const card = issueCard({ protocol: 'T=0', seed, balanceFen: 5_000 });
    card.powerOn();
    const s = send(card, SELECT_TRANSIT);
    expect(s.sw & 0xff00).toBe(0x6100);
    expect(send(card, Uint8Array.of(0, 0xc0, 0, 0, s.sw & 0xff)).sw).toBe(0x9000);
    return card;
  }

  it('SELECT (case 3 or 4) answers 61xx; GET RESPONSE returns the FCI', () => {
    const card = issueCard({ protocol: 'T=0', seed: 41 });
    const t1 = issueCard({ protocol: 'T=1', seed: 41 });
    card.powerOn();
    t1.powerOn();
    const want = send(t1, SELECT_TRANSIT).data;
    for (const apdu of [SELECT_TRANSIT, `${SELECT_TRANSIT}00`]) {
      const first = send(card, apdu);
      expect(first.data.length).toBe(0);
      expect(first.sw).toBe(0x6100 | want.length);
      expect(r(card, `00C00000${want.length.toString(16).padStart(2, '0')}`)).toBe(`${hx(want)} 9000`);
    }
  });

  it('a case-4 purse command (8050 with Le) answers 610F; GET RESPONSE returns the 15 bytes', () => {
    const card = t0();
    const first = send(card, initPurchaseApdu('purchase', 100));
    expect(first.sw).toBe(0x610f);
    expect(first.data.length).toBe(0);
    const got = send(card, '00C000000F');
    expect(got.sw).toBe(0x9000);
    expect(got.data.length).toBe(15);
    expect(parsePurchaseInit(got.data).balanceFen).toBe(5_000);
  });

  it('the purse session survives GET RESPONSE: a whole load and CAPP purchase under T=0', () => {
    const card = t0(42);
    const keys = cardKeysOf(card, '3des');
    const init = parseLoadInit(exchange(card, initLoadApdu(1_000)).data);
    const credit = send(card, creditApdu(loadMac2('3des', keys, init, 1_000)));
    expect(credit.sw).toBe(0x6104);
    expect(send(card, '00C0000004').sw).toBe(0x9000);
    const pi = parsePurchaseInit(exchange(card, initPurchaseApdu('capp', 250)).data);
    expect(r(card, `80DC01D080${hx(compoundRecord(1, 1))}`)).toBe('9000'); // case 3, no data: 9000
    const seq = h('00000009');
    const debit = exchange(card, debitApdu(seq, purchaseMac1('3des', keys, pi, 250, TX_TYPE.CAPP_PURCHASE, seq)));
    expect(debit.sw).toBe(0x9000);
    expect(debit.data.length).toBe(8);
    expect(peekPurse(card)).toMatchObject({ balanceFen: 5_750, online: 1, offline: 1 });
  });

  it('GET RESPONSE in parts: a short Le gives data ‖ 61xx for the rest; too long an Le → 6Cxx', () => {
    const card = t0();
    const first = send(card, SELECT_TRANSIT);
    const n = first.sw & 0xff;
    const a = send(card, '00C0000010');
    expect(a.data.length).toBe(16);
    expect(a.sw).toBe(0x6100 | (n - 16));
    expect(r(card, `00C00000${(n - 16 + 1).toString(16).padStart(2, '0')}`)).toBe(`6c${(n - 16).toString(16).padStart(2, '0')}`);
    const b = send(card, `00C00000${(n - 16).toString(16).padStart(2, '0')}`);
    expect(b.sw).toBe(0x9000);
    expect(b.data.length).toBe(n - 16);
    expect(r(card, '00C0000010')).toBe('6985');
  });

  it('a case-2 command with a wrong Le answers 6Cxx (no data); the right Le then works', () => {
    const card = t0();
    expect(r(card, '00B095001F')).toBe('6c1e');
    expect(r(card, '00B095001E')).toMatch(/^[0-9a-f]{60} 9000$/);
    expect(r(card, '00B201D410')).toBe('6c80');
    expect(r(card, '00B201D480')).toMatch(/ 9000$/);
  });

  it('GET RESPONSE with nothing pending → 6985 (T=0 and T=1); bad P1/P2 → 6A86', () => {
    expect(r(t0(), '00C0000004')).toBe('6985');
    expect(r(poweredCard(), '00C0000004')).toBe('6985');
    const card = t0();
    send(card, SELECT_TRANSIT);
    expect(r(card, '00C0010000')).toBe('6a86');
  });

  it('any other command drops the pending response: GET RESPONSE then answers 6985', () => {
    const card = t0();
    expect(send(card, SELECT_TRANSIT).sw & 0xff00).toBe(0x6100);
    expect(r(card, '805C000204')).toBe('00001388 9000');
    expect(r(card, '00C0000000')).toBe('6985');
  });

  it.each([
    ['a truncated APDU (6700 at parsing)', '00B0'],
    ['a Lc that does not match (6700)', '00A4040009A000000632010105'],
    ['CLA FF (6E00)', 'FF000000'],
    ['a logical channel (6881)', '01B0950001'],
    ['INS C0 with an invalid class, CLA 20 (6E00: not a GET RESPONSE)', '20C000002F'],
    ['INS C0 with CLA 12 (6E00)', '12C000002F'],
    ['INS C0 on logical channel 1 (6881)', '01C000002F'],
  ])('a rejected command also drops the pending response: %s', (_name, apdu) => {
    // ISO 7816-4 §5.3: the data behind 61xx is available only to the GET RESPONSE that
    // immediately follows; any other command exchange discards it.
    const card = t0();
    expect(send(card, SELECT_TRANSIT).sw & 0xff00).toBe(0x6100);
    expect(send(card, apdu).data.length).toBe(0);
    expect(r(card, '00C0000000')).toBe('6985');
  });

  it('under T=1 nothing is framed: data comes with 9000, a short Le truncates', () => {
    const card = poweredCard();
    expect(r(card, SELECT_TRANSIT)).toMatch(/^6f2d.* 9000$/);
    expect(r(card, `${SELECT_TRANSIT}04`)).toBe('6f2d8408 9000');
  });
});

// ---------------------------------------------------------------------------------------------
// Determinism and images

/** An APDU script that draws randoms, reads files, runs a load and a purchase and fails MACs. */
function script(card: Card, alg: '3des' | 'sm4'): string[] {
  const out: string[] = [];
  const x = (apdu: string | Uint8Array) => {
    const res = exchange(card, apdu);
    out.push(`${typeof apdu === 'string' ? apdu : hx(apdu)} → ${hx(res.data)} ${res.sw.toString(16)}`);
    return res;
  };
  x(SELECT_TRANSIT);
  x('00B095001E');
  x('0084000008');
  x('0084000004');
  const keys = cardKeysOf(card, alg);
  const li = parseLoadInit(x(initLoadApdu(3_000)).data);
  x(creditApdu(loadMac2(alg, keys, li, 3_000)));
  const pi = parsePurchaseInit(x(initPurchaseApdu('purchase', 120)).data);
  const seq = h('00000102');
  x(debitApdu(seq, purchaseMac1(alg, keys, pi, 120, TX_TYPE.EP_PURCHASE, seq)));
  x(initPurchaseApdu('purchase', 120));
  x(debitApdu(seq, h('00000000'))); // 9302
  x(initLoadApdu(10));
  x('00B201C417');
  x('0084000008');
  return out;
}

describe('determinism under a seed', () => {
  it.each(['3des', 'sm4'] as const)('%s: two cards with the same seed answer a script byte for byte', (alg) => {
    const a = issueCard({ algorithm: alg, seed: 77 });
    const b = issueCard({ algorithm: alg, seed: 77 });
    expect(hx(a.powerOn())).toBe(hx(b.powerOn()));
    const sa = script(a, alg);
    const sb = script(b, alg);
    expect(sa).toEqual(sb);
    expect(JSON.stringify(a.toJSON())).toBe(JSON.stringify(b.toJSON()));
  });

  it('different seeds: different serials and different randoms', () => {
    const a = issueCard({ seed: 77 });
    const b = issueCard({ seed: 78 });
    a.powerOn();
    b.powerOn();
    const sa = script(a, '3des');
    const sb = script(b, '3des');
    // Line 1 (EF 0015: the serial), 2 and 3 (GET CHALLENGE) differ.
    for (const i of [1, 2, 3]) expect(sa[i]).not.toBe(sb[i]);
  });

  it('issueCardImage is a pure function of its options', () => {
    expect(JSON.stringify(issueCardImage({ seed: 5, algorithm: 'sm4' }))).toBe(JSON.stringify(issueCardImage({ seed: 5, algorithm: 'sm4' })));
    expect(JSON.stringify(issueCardImage({ seed: 5 }))).not.toBe(JSON.stringify(issueCardImage({ seed: 6 })));
  });
});

describe('card image round trip (toJSON → JSON → cardFromImage)', () => {
  function used(alg: '3des' | 'sm4'): Card {
    const card = selected({ algorithm: alg, seed: 91, balanceFen: 0 });
    const keys = cardKeysOf(card, alg);
    for (let i = 0; i < 3; i++) load(card, alg, keys, 2_000);
    for (let i = 0; i < 4; i++) purchase(card, alg, keys, 150 + i, be(i, 4));
    send(card, '0084000008');
    return card;
  }

  it.each(['3des', 'sm4'] as const)('%s: the restored card has the same balance, counters, logs, records and proof', (alg) => {
    const card = used(alg);
    const json = JSON.stringify(card.toJSON());
    const back = cardFromImage(JSON.parse(json));
    expect(JSON.stringify(back.toJSON())).toBe(json);
    expect(hx(back.powerOn())).toBe(hx(card.atr));
    card.powerOff();
    card.powerOn();
    const probe = [SELECT_TRANSIT, '805C000204', '00B095001E', '00B0960037', '00B097003C'];
    for (let n = 1; n <= 10; n++) probe.push(`00B2${n.toString(16).padStart(2, '0')}C417`);
    probe.push('00B201D480', '00B202D480', '00B201F430', '805A0006020003', '805A0002020002');
    for (const apdu of probe) expect(r(back, apdu), apdu).toBe(r(card, apdu));
    expect(peekPurse(back)).toEqual(peekPurse(card));
    expect(peekPurse(back)).toMatchObject({ balanceFen: 6_000 - 150 - 151 - 152 - 153, online: 3, offline: 4 });
  });

  it.each(['3des', 'sm4'] as const)('%s: the restored card continues the random stream (same next GET CHALLENGE and 8050 random)', (alg) => {
    // A card rebuilt from its image must not replay randoms it already gave out: the next
    // challenge (and INITIALIZE's random, hence the next session key) must be what the original
    // card would have drawn next.
    const card = used(alg);
    const back = cardFromImage(JSON.parse(JSON.stringify(card.toJSON())));
    back.powerOn();
    expect(r(back, '0084000008')).toBe(r(card, '0084000008'));
    exchange(back, SELECT_TRANSIT);
    exchange(card, SELECT_TRANSIT);
    expect(r(back, initPurchaseApdu('purchase', 1))).toBe(r(card, initPurchaseApdu('purchase', 1)));
  });

  it('an image keeps the protocol, the blocked flags and the info', () => {
    const card = issueCard({ protocol: 'T=0', seed: 4 });
    card.setApplicationBlocked(TRANSIT_AID_BYTES, true);
    const back = cardFromImage(JSON.parse(JSON.stringify(card.toJSON())));
    expect(back.protocol).toBe('T=0');
    expect(back.info).toEqual(card.info);
    back.powerOn();
    expect(r(back, SELECT_TRANSIT)).toBe('6a81');
  });

  it('a malformed image is refused with RangeError naming the field', () => {
    const image = issueCardImage({ seed: 4 });
    expect(() => cardFromImage({ ...image, format: 'x' } as never)).toThrow(/format/);
    expect(() => cardFromImage({ ...image, nvm: { cells: { a: 'zz' } } })).toThrow(RangeError);
    expect(() => cardFromImage({ ...image, fs: { ...image.fs, fid: 0x3f01 } })).toThrow(/3F00/);
  });

  it('the image is plain JSON (no typed arrays, no functions)', () => {
    const card = used('3des');
    const image = card.toJSON();
    expect(JSON.parse(JSON.stringify(image))).toEqual(image);
    for (const v of Object.values(image.nvm.cells)) expect(v).toMatch(/^([0-9a-f]{2})*$/);
  });

  it('SW table: every status word this suite saw is named', () => {
    for (const sw of [0x6700, 0x6881, 0x6882, 0x6981, 0x6982, 0x6985, 0x6986, 0x6a81, 0x6a82, 0x6a83, 0x6a86, 0x6b00, 0x6d00, 0x6e00, 0x6282]) {
      expect(swInfo(sw).name, sw.toString(16)).not.toBe('UNKNOWN');
    }
  });

  it('purchase and load leave the purse as expected (sanity for the fixtures above)', () => {
    const card = selected({ seed: 92, balanceFen: 1_000 });
    const keys = cardKeysOf(card, '3des');
    expect(hx(load(card, '3des', keys, 500)).length).toBe(8);
    expect(hx(purchase(card, '3des', keys, 200)).length).toBe(16);
    expect(peekPurse(card)).toMatchObject({ balanceFen: 1_300, online: 1, offline: 1 });
  });
});
