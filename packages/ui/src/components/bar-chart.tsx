import { useEffect, useRef } from 'react';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);

/** One series: stacked bars, or a line on its own right-hand axis (e.g. latency beside counts). */
export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
  kind?: 'bar' | 'line';
}

export interface BarChartProps {
  /** Names the chart for assistive technology; the same numbers are in the table below it. */
  title: string;
  labels: string[];
  series: ChartSeries[];
  /** The right-hand axis' title, when a series is a line. */
  lineAxis?: string;
}

/**
 * A stacked bar chart drawn with Chart.js on a canvas (no inline script or style, so the console's
 * CSP holds), with the numbers as a visually hidden table for screen readers.
 */
export function BarChart({ title, labels, series, lineAxis }: BarChartProps) {
  const canvas = useRef<HTMLCanvasElement | null>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return; // no canvas (a test DOM): the table still carries the numbers
    const chart = new Chart(context, {
      type: 'bar',
      data: {
        labels,
        datasets: series.map((s) =>
          s.kind === 'line'
            ? { type: 'line' as const, label: s.label, data: s.values, borderColor: s.color, backgroundColor: s.color, yAxisID: 'line', spanGaps: true }
            : { type: 'bar' as const, label: s.label, data: s.values, backgroundColor: s.color, stack: 'count' },
        ),
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
          ...(lineAxis
            ? { line: { position: 'right' as const, beginAtZero: true, title: { display: true, text: lineAxis }, grid: { drawOnChartArea: false } } }
            : {}),
        },
      },
    });
    return () => chart.destroy();
  }, [labels, series, lineAxis]);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div className="chart-canvas">
        <canvas ref={canvas} role="img" aria-label={title} />
      </div>
      <table className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Hour</th>
            {series.map((s) => (
              <th key={s.label} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((label, i) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              {series.map((s) => (
                <td key={s.label}>{s.values[i] ?? '—'}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
