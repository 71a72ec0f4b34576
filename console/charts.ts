/**
 * The CDR page's charts (Chart.js), each drawn from one aggregation of the
 * search. Every figure carries its numbers in `data-series` too, for
 * screen readers' captions and for tests.
 */
import { ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend, LinearScale, Tooltip, type ChartConfiguration } from 'chart.js';
import { h } from './dom.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, DoughnutController, ArcElement, Legend, Tooltip);

const COLOURS = { answered: '#1f9d55', missed: '#c2410c', accent: '#2457d6', muted: '#9aa3b2' };

interface Bucket {
  key: string | number;
  key_as_string?: string;
  doc_count: number;
  [sub: string]: any;
}

export interface Aggregations {
  per_bucket?: { buckets: Bucket[] };
  answered?: { buckets: Bucket[] };
  agents?: { buckets: Bucket[] };
  last_agent?: { buckets: Bucket[] };
}

/** A figure holding one chart; `destroy` frees its canvas. */
export interface ChartFigure {
  element: HTMLElement;
  destroy(): void;
}

function figure(name: string, title: string, series: Record<string, number[] | string[]>, config: ChartConfiguration | undefined, empty: string): ChartFigure {
  const canvas = h('canvas', { role: 'img', 'aria-label': title });
  const element = h('figure', { class: 'chart', 'data-chart': name, 'data-series': JSON.stringify(series) }, h('figcaption', {}, title), config ? h('div', { class: 'canvas' }, canvas) : h('p', { class: 'empty' }, empty));
  const chart = config && new Chart(canvas, { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options } });
  return { element, destroy: () => chart?.destroy() };
}

const answeredCount = (bucket: Bucket) => (bucket.answered?.buckets as Bucket[] | undefined)?.find((inner) => inner.key === 1 || inner.key === 'true' || inner.key_as_string === 'true')?.doc_count ?? 0;

export function callsPerBucket(aggregations: Aggregations, hoursPerBucket: number): ChartFigure {
  const buckets = aggregations.per_bucket?.buckets ?? [];
  const labels = buckets.map((bucket) => {
    const at = new Date(Number(bucket.key));
    return hoursPerBucket === 1 ? at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : at.toLocaleDateString();
  });
  const answered = buckets.map(answeredCount);
  const missed = buckets.map((bucket, index) => bucket.doc_count - answered[index]);
  const title = hoursPerBucket === 1 ? 'Calls per hour' : 'Calls per day';
  return figure(
    'per-bucket',
    title,
    { labels, answered, missed },
    {
      type: 'bar',
      data: { labels, datasets: [{ label: 'answered', data: answered, backgroundColor: COLOURS.answered }, { label: 'not answered', data: missed, backgroundColor: COLOURS.missed }] },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
    },
    '',
  );
}

export function answeredShare(aggregations: Aggregations): ChartFigure {
  const buckets = aggregations.answered?.buckets ?? [];
  const answered = buckets.find((bucket) => bucket.key === 1 || bucket.key_as_string === 'true')?.doc_count ?? 0;
  const total = buckets.reduce((sum, bucket) => sum + bucket.doc_count, 0);
  const title = total === 0 ? 'Answered share' : `Answered share: ${Math.round((answered / total) * 100)}%`;
  return figure(
    'answered',
    title,
    { answered: [answered], total: [total] },
    total === 0 ? undefined : { type: 'doughnut', data: { labels: ['answered', 'not answered'], datasets: [{ data: [answered, total - answered], backgroundColor: [COLOURS.answered, COLOURS.missed] }] } },
    'No calls in this period.',
  );
}

export function talkTimePerAgent(aggregations: Aggregations): ChartFigure {
  const buckets = aggregations.agents?.buckets ?? [];
  const labels = buckets.map((bucket) => String(bucket.key));
  const minutes = buckets.map((bucket) => Math.round(((bucket.talk?.value as number) ?? 0) / 6) / 10);
  return figure(
    'agents',
    'Talk time per agent (minutes)',
    { labels, minutes },
    labels.length === 0 ? undefined : { type: 'bar', data: { labels, datasets: [{ label: 'minutes', data: minutes, backgroundColor: COLOURS.accent }] }, options: { indexAxis: 'y', plugins: { legend: { display: false } } } },
    'No agent talked in this period.',
  );
}

/** `last_agent_result` of the lastAgent app: `answered` is a hit, anything else fell back to the rest of the schema. */
export function lastAgentOutcomes(aggregations: Aggregations): ChartFigure {
  const buckets = aggregations.last_agent?.buckets ?? [];
  const hits = buckets.filter((bucket) => bucket.key === 'answered').reduce((sum, bucket) => sum + bucket.doc_count, 0);
  const fallbacks = buckets.filter((bucket) => bucket.key !== 'answered');
  const labels = ['hit', ...fallbacks.map((bucket) => `fallback: ${bucket.key}`)];
  const counts = [hits, ...fallbacks.map((bucket) => bucket.doc_count)];
  return figure(
    'last-agent',
    'Last-agent hits vs fallbacks',
    { labels, counts },
    buckets.length === 0
      ? undefined
      : { type: 'bar', data: { labels, datasets: [{ label: 'calls', data: counts, backgroundColor: [COLOURS.answered, ...fallbacks.map(() => COLOURS.muted)] }] }, options: { plugins: { legend: { display: false } } } },
    'No last-agent decisions in this period.',
  );
}
