// Webhooks and sent deliveries per minute, drawn with uPlot (small, canvas, no dependencies).
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { toSeries } from '../activity.js';
import type { Activity } from '../api.js';
import { formatClock } from '../time.js';
import { useT } from '../context.js';

export function ActivityChart({ activity }: { activity: Activity }) {
  const el = useRef<HTMLDivElement>(null);
  const { t, lang, timezone } = useT();
  useEffect(() => {
    if (!el.current) return;
    const s = toSeries(activity);
    const width = Math.max(280, el.current.clientWidth);
    const plot = new uPlot(
      {
        width,
        height: 180,
        // The legend shows the values under the cursor; blank (not uPlot's "--") when it is off the chart.
        series: [
          { label: t('col.time'), value: (_u, v) => (v == null ? '' : formatClock(v * 1000, timezone)) },
          { label: t('overview.webhooks'), stroke: '#3b82f6', width: 2, value: count },
          { label: t('overview.sent'), stroke: '#10b981', width: 2, value: count },
        ],
        axes: [{ values: (_u, ticks) => ticks.map((x) => formatClock(x * 1000, timezone)) }, {}],
        scales: { y: { range: [0, Math.max(1, s.peak)] } },
      },
      [s.x, s.webhooks, s.sent],
      el.current,
    );
    return () => plot.destroy();
    // `t` is made anew on every render; the language is what changes it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [activity, timezone, lang]);
  return <div ref={el} class="chart" />;
}

const count = (_u: uPlot, v: number | null) => (v == null ? '' : String(v));
