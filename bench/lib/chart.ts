// bench/results/crypto.svg: each target's measured ratio as a horizontal bar, the target as a
// black tick across it, drawn by vega-lite + vega headless (View.toSVG needs no canvas; text
// widths are then estimated, which is fine for labels). Loaded lazily: only a run that writes
// results pays for importing vega.
import type { TopLevelSpec } from 'vega-lite';
import { fmtRatio, type TargetResult } from './report.js';

/** The vega-lite spec of the chart (pure: kept apart so it can be inspected or tested). */
export function chartSpec(targets: readonly TargetResult[], subtitle: string): TopLevelSpec {
  const values = targets.map((t) => ({
    name: t.name,
    ratio: t.ratio,
    target: t.target,
    verdict: t.met ? 'PASS' : 'MISS',
    // The label starts past whichever ends later, the bar or the target tick.
    labelAt: Math.max(t.ratio, t.target),
    label: `${fmtRatio(t.ratio)} (target ${fmtRatio(t.target)}) ${t.met ? 'PASS' : 'MISS'}`,
  }));
  const y = { field: 'name', type: 'nominal', sort: null, title: null, axis: { labelLimit: 0 } } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'ssc3 ops/s ÷ peer ops/s, same run — black tick: target', subtitle, anchor: 'start' },
    width: 420,
    height: { step: 24 },
    data: { values },
    layer: [
      {
        mark: { type: 'bar', height: { band: 0.7 } },
        encoding: {
          y,
          x: { field: 'ratio', type: 'quantitative', title: 'ratio (×)' },
          color: {
            field: 'verdict',
            type: 'nominal',
            legend: null,
            scale: { domain: ['PASS', 'MISS'], range: ['#4c9a2a', '#d1495b'] },
          },
        },
      },
      {
        mark: { type: 'tick', color: 'black', thickness: 3, size: 20 },
        encoding: { y, x: { field: 'target', type: 'quantitative' } },
      },
      {
        mark: { type: 'text', align: 'left', dx: 6, fontSize: 10 },
        encoding: { y, x: { field: 'labelAt', type: 'quantitative' }, text: { field: 'label' } },
      },
      {
        mark: { type: 'rule', strokeDash: [3, 3], color: '#888' },
        encoding: { x: { datum: 1 } },
      },
    ],
    config: { font: 'sans-serif', view: { stroke: null } },
  };
}

/** Renders the chart to an SVG string. */
export async function renderChartSvg(targets: readonly TargetResult[], subtitle: string): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vl.compile(chartSpec(targets, subtitle)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
