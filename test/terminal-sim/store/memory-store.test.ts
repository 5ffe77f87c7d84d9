// MemoryCardStore (the `--memory` store): the shared CardStore contract.
import { MemoryCardStore } from '../../../terminal-sim/store/index.js';
import { cardStoreContract } from './contract.js';

cardStoreContract('MemoryCardStore', (now) => new MemoryCardStore({ now }));
