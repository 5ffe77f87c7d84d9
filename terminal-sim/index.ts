/**
 * ssc3-sim/terminal-sim — readers, the PSAM, transit commands, gate / top-up terminals, the
 * issuer host and clearing: everything a test harness needs to drive virtual (or real) cards.
 */
export * from './reader/index.js';
export * from './psam/index.js';
export * from './transit/index.js';
export * from './terminals/index.js';
export * from './issuer/index.js';
export * from './clearing/index.js';
export * from './transport/index.js';
export * from './store/index.js';
