/**
 * The PC/SC reader slots of the server (issue 5, "Real PC/SC"; `ssc3 serve --vpcd HOST:PORT`):
 * slot n is a VpcdSlot talking to the vsmartcard vpcd driver on PORT + n (reader "Virtual PCD
 * 00 0n" in pcscd). `POST /v1/readers/:slot/insert` puts a stored card in a slot — the slot
 * connects to vpcd, which tells pcscd a card is present — and `/remove` takes it out (socket
 * closed: "card removed"). Every APDU from a PC/SC client goes through the card's StoredCard, so
 * what it wrote is saved (in the store's group commit) before vpcd gets the answer, and a removal
 * waits for that save. While a card is in a slot, HTTP APDUs and taps on it are refused
 * (CARD_IN_READER): the PC/SC client owns its session.
 */
import { VpcdSlot } from '../transport/vpcd.js';
import type { VpcdEvent } from '../transport/vpcd.js';
import type { CardService } from './card-service.js';
import { ApiError } from './errors.js';

export interface ReaderServiceOptions {
  cards: CardService;
  /** vpcd's address; without it the server has no readers. */
  vpcd?: { host: string; port: number };
  /** Number of slots (Debian's vpcd configures 2). */
  slots?: number;
  /** Connection events (no APDU data), for the server log. */
  onEvent?: (slot: number, event: VpcdEvent) => void;
}

export interface ReaderView {
  slot: number;
  reader: string;
  endpoint: string;
  state: string;
  cardId: string | null;
  apdus: number;
}

interface Slot {
  n: number;
  vpcd: VpcdSlot;
  endpoint: string;
  cardId?: string;
}

export class ReaderService {
  private readonly slots: Slot[] = [];
  private readonly cards: CardService;

  constructor(opts: ReaderServiceOptions) {
    this.cards = opts.cards;
    if (!opts.vpcd) return;
    const count = opts.slots ?? 2;
    for (let n = 0; n < count; n++) {
      const port = opts.vpcd.port + n;
      const slot: Slot = {
        n,
        endpoint: `${opts.vpcd.host}:${port}`,
        vpcd: new VpcdSlot({
          host: opts.vpcd.host,
          port,
          onEvent: (e) => {
            // A card torn out mid-APDU has left the slot: it is the API's again, unpowered.
            if (e.type === 'disconnected' && e.reason === 'torn' && slot.cardId !== undefined) {
              void this.cards.releaseFromReader(slot.cardId, { torn: true });
              slot.cardId = undefined;
            }
            opts.onEvent?.(n, e);
          },
        }),
      };
      this.slots.push(slot);
    }
  }

  list(): ReaderView[] {
    return this.slots.map((s) => this.view(s));
  }

  /** @throws ApiError NO_READERS, UNKNOWN_SLOT, SLOT_OCCUPIED, UNKNOWN_CARD, CARD_IN_READER, CARD_BUSY */
  insert(slotText: string, cardId: string): ReaderView {
    const s = this.slot(slotText);
    if (s.cardId !== undefined && s.cardId !== cardId) throw new ApiError('SLOT_OCCUPIED', { slot: s.n, id: s.cardId });
    if (s.cardId === cardId) return this.view(s);
    const card = this.cards.claimForReader(cardId, String(s.n));
    s.cardId = cardId;
    s.vpcd.insert(card);
    return this.view(s);
  }

  /**
   * Takes the slot's card out (nothing to do when empty); resolves once the card is the API's
   * again (after the save of an APDU in flight, if any). @throws ApiError NO_READERS, UNKNOWN_SLOT
   */
  async remove(slotText: string): Promise<ReaderView> {
    const s = this.slot(slotText);
    const id = s.cardId;
    if (id !== undefined) {
      s.vpcd.remove();
      s.cardId = undefined;
      await this.cards.releaseFromReader(id);
    }
    return this.view(s);
  }

  /** Waits until every slot holding a card is connected to vpcd (tests, start-up messages). */
  async whenConnected(): Promise<void> {
    await Promise.all(this.slots.filter((s) => s.cardId !== undefined).map((s) => s.vpcd.whenConnected()));
  }

  /** Takes every card out and stops the slots. */
  close(): void {
    for (const s of this.slots) {
      if (s.cardId !== undefined) void this.cards.releaseFromReader(s.cardId);
      s.cardId = undefined;
      s.vpcd.stop();
    }
  }

  private slot(text: string): Slot {
    if (this.slots.length === 0) throw new ApiError('NO_READERS');
    const s = this.slots[Number(text)];
    if (!s || !/^\d+$/.test(text)) throw new ApiError('UNKNOWN_SLOT', { slot: text, slots: this.slots.map((x) => x.n).join(', ') });
    return s;
  }

  private view(s: Slot): ReaderView {
    return { slot: s.n, reader: `Virtual PCD 00 ${String(s.n).padStart(2, '0')}`, endpoint: s.endpoint, state: s.vpcd.state, cardId: s.cardId ?? null, apdus: s.vpcd.apduCount };
  }
}
