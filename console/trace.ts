/** The trace panel: a schema and a simulated call in, every step out (POST /api/v1/trace). */
import { ApiFailure, type Api } from './api.js';
import { clear, h } from './dom.js';

const EXAMPLE = JSON.stringify(
  [
    { userData: { name: '${destination_number}', var: 'account_state', setVar: 'acc_state' } },
    { if: { expression: "${acc_state} == 'onhook'", then: [{ bridge: { endpoints: [{ name: '${destination_number}', type: 'user' }] } }], else: [{ hangup: 'USER_BUSY' }] } },
  ],
  null,
  2,
);

interface Step {
  type: 'step' | 'end';
  path?: string;
  app?: string;
  args?: unknown;
  result?: string;
  error?: string;
  variables?: Record<string, string>;
  notes?: string[];
  reason?: string;
  steps?: number;
  message?: string;
}

export class TracePanel {
  readonly #schema = h('textarea', { id: 'trace-schema', rows: '14', spellcheck: false, 'aria-label': 'Schema (JSON)' });
  readonly #variables = h('textarea', { id: 'trace-variables', rows: '4', spellcheck: false, 'aria-label': 'Variables' });
  readonly #phones = h('textarea', { id: 'trace-phones', rows: '3', spellcheck: false, 'aria-label': 'Phone states' });
  readonly #output = h('div', { class: 'trace-output', 'aria-live': 'polite' });
  readonly element: HTMLElement;

  constructor(private readonly api: Api) {
    this.#schema.value = EXAMPLE;
    this.#variables.value = 'caller_id_number=0671234567\ndestination_number=101';
    this.#phones.value = '101=onhook';
    this.element = h(
      'section',
      { class: 'trace', 'aria-label': 'Trace' },
      h(
        'form',
        { onsubmit: (event: Event) => (event.preventDefault(), void this.#run()) },
        h('label', {}, 'Schema (JSON)', this.#schema),
        h('div', { class: 'row' }, h('label', {}, 'Variables (name=value per line)', this.#variables), h('label', {}, 'Phones (id=state per line)', this.#phones)),
        h('button', { type: 'submit', class: 'primary' }, 'Run trace'),
      ),
      this.#output,
    );
  }

  async #run(): Promise<void> {
    let schema: unknown;
    try {
      schema = JSON.parse(this.#schema.value);
    } catch (error) {
      return clear(this.#output, h('p', { class: 'error', role: 'alert' }, `The schema is not JSON: ${(error as Error).message}`));
    }
    clear(this.#output, h('p', { class: 'muted' }, 'Running…'));
    try {
      const { events } = await this.api.request<{ events: Step[] }>('POST', '/trace', { schema, variables: pairs(this.#variables.value), phones: pairs(this.#phones.value) });
      clear(this.#output, h('ol', { class: 'steps' }, ...events.map(renderStep)));
    } catch (error) {
      const issues = error instanceof ApiFailure ? error.issues : [];
      clear(
        this.#output,
        h('p', { class: 'error', role: 'alert' }, error instanceof ApiFailure && issues.length > 0 ? 'The trace request is invalid:' : String((error as Error).message)),
        issues.length > 0 && h('ul', { class: 'issues' }, ...issues.map((issue) => h('li', {}, h('code', {}, issue.path), ' ', issue.message))),
      );
    }
  }
}

function renderStep(step: Step): HTMLElement {
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

/** `name=value` lines; blank lines are skipped. */
function pairs(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (line.trim() === '' || eq <= 0) continue;
    result[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return result;
}
