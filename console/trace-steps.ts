/** Trace events as a list of steps: each app, its arguments after substitution, outcome, variables set and notes. */
import type { TraceEvent } from './api.js';
import { h } from './dom.js';

export function renderSteps(events: readonly TraceEvent[]): HTMLElement {
  return h('ol', { class: 'steps' }, ...events.map(renderStep));
}

function renderStep(step: TraceEvent): HTMLElement {
  if (step.type === 'end') return h('li', { class: 'end' }, h('strong', {}, `end: ${step.reason}`), ` after ${step.steps} steps`, step.message ? ` — ${step.message}` : '');
  const variables = Object.entries(step.variables ?? {});
  return h(
    'li',
    { class: step.error ? 'step failed' : 'step' },
    h('div', {}, h('strong', { class: 'app' }, step.app ?? ''), ' ', h('code', { class: 'muted' }, step.path ?? ''), step.result ? h('span', { class: 'result' }, ` → ${step.result}`) : ''),
    h('code', { class: 'args' }, JSON.stringify(step.args)),
    step.error && h('div', { class: 'error' }, step.error),
    variables.length > 0 && h('div', { class: 'vars' }, variables.map(([name, value]) => `${name}=${value}`).join('  ')),
    ...(step.notes ?? []).map((note) => h('div', { class: 'note' }, note)),
  );
}
