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
  const { t, timezone } = useT();
  useEffect(() => {
    if (!el.current) return;
    const s = toSeries(activity);
    const width = Math.max(280, el.current.clientWidth);
    const plot = new uPlot(
      {
        width,
        height: 180,
        series: [
          {},
          { label: t('overview.webhooks'), stroke: '#3b82f6', width: 2 },
          { label: t('overview.sent'), stroke: '#10b981', width: 2 },
        ],
        axes: [{ values: (_u, ticks) => ticks.map((x) => formatClock(x * 1000, timezone)) }, {}],
        scales: { y: { range: [0, Math.max(1, s.peak)] } },
      },
      [s.x, s.webhooks, s.sent],
      el.current,
    );
    return () => plot.destroy();
  }, [activity, timezone, t]);
  return <div ref={el} class="chart" />;
}
