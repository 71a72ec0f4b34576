import type { TraceEvent } from '../engine/trace.js';

/** One trace event as a human reads it: time, path, app, arguments, outcome, variables, notes. */
export function formatTraceEvent(event: TraceEvent): string {
  const time = event.at.slice(11, 23);
  if (event.type === 'end') {
    return `${time}  end: ${event.callEnd ?? event.reason} after ${event.steps} step(s)${event.message ? ` (${event.message})` : ''}`;
  }
  const lines = [`${time}  ${event.path} ${event.app} ${compact(event.args)}`];
  for (const note of event.notes) lines.push(`${' '.repeat(14)}· ${note}`);
  if (event.result) lines.push(`${' '.repeat(14)}→ ${event.result}${event.tookMs > 0 ? ` (${formatDuration(event.tookMs)})` : ''}`);
  if (event.error) lines.push(`${' '.repeat(14)}✗ ${event.error}`);
  for (const [name, value] of Object.entries(event.variables)) lines.push(`${' '.repeat(14)}${name} = ${JSON.stringify(value)}`);
  return lines.join('\n');
}

function compact(args: unknown): string {
  const text = JSON.stringify(args) ?? '';
  return text.length > 400 ? `${text.slice(0, 397)}...` : text;
}

function formatDuration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`;
}
