import { describe, expect, it } from 'vitest';
import { findUpwardImports, importSpecifiers, readLayerSources } from './support/layers.js';

describe('layer rule (crypto ← engine ← terminal-sim)', () => {
  it('finds no upward import in the project', () => {
    const files = readLayerSources(process.cwd());
    expect(files.size).toBeGreaterThan(0);
    expect(findUpwardImports(files)).toEqual([]);
  });

  it('catches static, re-export and dynamic upward imports', () => {
    const files = new Map([
      ['crypto/a.ts', "import { x } from '../engine/card.js';\nimport { y } from './utils.js';"],
      ['engine/b.ts', "export * from '../terminal-sim/cli/main.js';\nimport { z } from '../crypto/sm4.js';"],
      ['engine/c/d.ts', "const m = await import('../../terminal-sim/server.js');"],
      ['terminal-sim/e.ts', "import { issueCard } from '../engine/index.js';"],
    ]);
    expect(findUpwardImports(files).map((v) => `${v.file}→${v.to}`)).toEqual([
      'crypto/a.ts→engine',
      'engine/b.ts→terminal-sim',
      'engine/c/d.ts→terminal-sim',
    ]);
  });

  it('reads side-effect imports and multi-line import lists', () => {
    expect(importSpecifiers("import './x.js';\nimport {\n a,\n b\n} from '../y.js';")).toEqual(['./x.js', '../y.js']);
  });
});
