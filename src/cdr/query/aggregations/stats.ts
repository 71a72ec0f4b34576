/**
 * The multi-value metrics Grafana and Kibana send: `stats`, `extended_stats`
 * (variance and standard deviation, population and sample, with the
 * sigma bounds) and `percentiles`. Percentiles are exact: the value at
 * rank q·(n−1), interpolated linearly — what Elasticsearch (8.9 and later)
 * computes as long as an aggregation sees fewer than 20 × compression
 * values (2,000 by default: its hybrid t-digest keeps every value until
 * then). From there on Elasticsearch estimates with a merging t-digest,
 * within 0.1–1 % by its own account; callrouter stays exact.
 */
import type { CdrMapping, FieldType, IndexedValue } from '../../mapping.js';
import type { Scalar } from '../ast.js';
import { formatDate } from '../date-parse.js';
import type { DocView } from '../doc-view.js';
import { checkKeys, illegalArgument, parsingError, readBoolean, readNumber, readScalar, readString, type JsonObject } from '../errors.js';

export type StatsSpec =
  | { type: 'stats'; field: string; missing?: Scalar }
  | { type: 'extended_stats'; field: string; missing?: Scalar; sigma: number }
  | { type: 'percentiles'; field: string; missing?: Scalar; percents: number[]; keyed: boolean };

export const STATS_TYPES = ['stats', 'extended_stats', 'percentiles'] as const;

const DEFAULT_PERCENTS = [1, 5, 25, 50, 75, 95, 99];

export function parseStats(type: StatsSpec['type'], name: string, spec: JsonObject): StatsSpec {
  const common = ['field', 'missing', 'format', 'script'];
  if (spec.script !== undefined) throw parsingError(`[${type}] scripts are not supported by callrouter (${name})`);
  if (spec.field === undefined) throw parsingError(`Required [field] for aggregation [${name}]`);
  const field = readString(spec.field, `${name}.field`);
  const missing = spec.missing === undefined ? {} : { missing: readScalar(spec.missing, `${name}.missing`) };
  if (type === 'stats') {
    checkKeys(spec, common, type);
    return { type, field, ...missing };
  }
  if (type === 'extended_stats') {
    checkKeys(spec, [...common, 'sigma'], type);
    const sigma = spec.sigma === undefined ? 2 : readNumber(spec.sigma, `${name}.sigma`);
    if (sigma < 0) throw parsingError(`[sigma] must be greater than or equal to 0. Found [${sigma}] in [${name}]`);
    return { type, field, sigma, ...missing };
  }
  checkKeys(spec, [...common, 'percents', 'keyed', 'tdigest', 'hdr'], type);
  if (spec.hdr !== undefined) throw parsingError(`[percentiles] the hdr method is not supported by callrouter (${name})`);
  const percents = spec.percents === undefined ? DEFAULT_PERCENTS : (Array.isArray(spec.percents) ? spec.percents : [spec.percents]).map((value) => readNumber(value, `${name}.percents`));
  for (const percent of percents) if (percent < 0 || percent > 100) throw illegalArgument(`percent must be in [0,100], got [${percent}]: [${name}]`);
  return { type, field, percents, keyed: spec.keyed === undefined ? true : readBoolean(spec.keyed, `${name}.keyed`), ...missing };
}

function numbersOf(spec: StatsSpec, docs: DocView[], type: FieldType | undefined, name: string): number[] {
  if (type === 'keyword') throw illegalArgument(`Field [${spec.field}] of type [keyword] is not supported for aggregation [${spec.type}] (${name})`);
  const values: number[] = [];
  for (const doc of docs) {
    const own: IndexedValue[] = type ? doc.values(spec.field) : [];
    if (own.length > 0) for (const value of own) values.push(Number(value));
    else if (spec.missing !== undefined) values.push(type === 'date' && typeof spec.missing === 'string' ? Date.parse(spec.missing) : Number(spec.missing));
  }
  return values;
}

function asStrings(type: FieldType | undefined, values: Record<string, number | null>): Record<string, string> {
  if (type !== 'date') return {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) if (value !== null && (key === 'min' || key === 'max' || key === 'avg')) out[`${key}_as_string`] = formatDate(value);
  return out;
}

/** The value at percent `p` of sorted numbers, interpolating between the closest ranks. */
function percentile(sorted: number[], p: number): number {
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

/** Elasticsearch writes a percent as a double: 50 → "50.0". */
function percentKey(percent: number): string {
  return Number.isInteger(percent) ? `${percent}.0` : String(percent);
}

export function computeStats(name: string, spec: StatsSpec, docs: DocView[], mapping: CdrMapping): Record<string, unknown> {
  const type = mapping.typeOf(spec.field);
  const values = numbersOf(spec, docs, type, name);
  if (spec.type === 'percentiles') {
    const sorted = [...values].sort((a, b) => a - b);
    const entries = spec.percents.map((percent) => [percentKey(percent), sorted.length === 0 ? null : percentile(sorted, percent)] as const);
    // A date field's percentiles come with the date written out, as Elasticsearch formats them.
    const written = (value: number | null) => (type === 'date' && value !== null ? formatDate(value) : undefined);
    if (spec.keyed) {
      return { values: Object.fromEntries(entries.flatMap(([key, value]) => (written(value) === undefined ? [[key, value]] : [[key, value], [`${key}_as_string`, written(value)]]))) };
    }
    return {
      values: spec.percents.map((percent, index) => {
        const value = entries[index][1];
        return written(value) === undefined ? { key: percent, value } : { key: percent, value, value_as_string: written(value) };
      }),
    };
  }
  const count = values.length;
  const sum = values.reduce((total, value) => total + value, 0);
  const basic = {
    count,
    min: count === 0 ? null : values.reduce((low, value) => Math.min(low, value)),
    max: count === 0 ? null : values.reduce((high, value) => Math.max(high, value)),
    avg: count === 0 ? null : sum / count,
    sum,
  };
  if (spec.type === 'stats') return { ...basic, ...asStrings(type, basic) };
  const sumOfSquares = values.reduce((total, value) => total + value * value, 0);
  const variance = count === 0 ? null : Math.max(0, sumOfSquares / count - (sum / count) ** 2);
  const varianceSampling = count < 2 ? null : (variance! * count) / (count - 1);
  const deviation = variance === null ? null : Math.sqrt(variance);
  const deviationSampling = varianceSampling === null ? null : Math.sqrt(varianceSampling);
  const bound = (sign: 1 | -1, spread: number | null) => (spread === null || basic.avg === null ? null : basic.avg + sign * spec.sigma * spread);
  return {
    ...basic,
    sum_of_squares: count === 0 ? null : sumOfSquares,
    variance,
    variance_population: variance,
    variance_sampling: varianceSampling,
    std_deviation: deviation,
    std_deviation_population: deviation,
    std_deviation_sampling: deviationSampling,
    std_deviation_bounds: {
      upper: bound(1, deviation),
      lower: bound(-1, deviation),
      upper_population: bound(1, deviation),
      lower_population: bound(-1, deviation),
      upper_sampling: bound(1, deviationSampling),
      lower_sampling: bound(-1, deviationSampling),
    },
    ...asStrings(type, basic),
  };
}
