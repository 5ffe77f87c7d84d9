// MemoryCardStore (the `--memory` store): the shared CardStore contract and the grouped-save contract.
import { MemoryCardStore } from '../../../terminal-sim/store/index.js';
import { cardStoreContract } from './contract.js';
import { groupedSaveContract } from './grouped-contract.js';

cardStoreContract('MemoryCardStore', (now) => new MemoryCardStore({ now }));
groupedSaveContract('MemoryCardStore', (now, o) => new MemoryCardStore({ now, ...o }));
