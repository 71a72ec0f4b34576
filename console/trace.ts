/**
 * The schema page: the editor (validated as you type; stored schemas opened
 * and saved from its toolbar) beside the trace
 * panel, which runs the schema on a simulated call (POST /api/v1/trace) —
 * channel variables, phone states and target outcomes in, every step out.
 */
import { ApiFailure, type Api, type SchemaIssue, type TraceEvent } from './api.js';
import { clear, h } from './dom.js';
import { parsePairs } from './pairs.js';
import { SchemaEditor } from './schema-editor.js';
import { SchemaLibrary } from './schema-library.js';
import { renderSteps } from './trace-steps.js';

const EXAMPLE = JSON.stringify(
  [
    { userData: { name: '${destination_number}', var: 'account_state', setVar: 'acc_state' } },
    { if: { expression: "${acc_state} == 'onhook'", then: [{ bridge: { endpoints: [{ name: '${destination_number}', type: 'user' }], parameters: ['leg_timeout=15'] } }], else: [{ hangup: 'USER_BUSY' }] } },
  ],
  null,
  2,
);

const OUTCOMES = ['answer', 'no-answer', 'busy', 'not-registered', 'reject', 'fail'];

export class TracePanel {
  readonly element: HTMLElement;
  readonly #editor: SchemaEditor;
  readonly library: SchemaLibrary;
  readonly #status = h('div', { class: 'schema-status', 'aria-live': 'polite' });
  readonly #variables = h('textarea', { id: 'trace-variables', rows: '4', spellcheck: false });
  readonly #phones = h('textarea', { id: 'trace-phones', rows: '3', spellcheck: false });
  readonly #targets = h('textarea', { id: 'trace-targets', rows: '3', spellcheck: false });
  readonly #output = h('div', { class: 'trace-output', 'aria-live': 'polite' });

  constructor(private readonly api: Api) {
    const editorHost = h('div', { class: 'editor', id: 'schema-editor' });
    this.#editor = new SchemaEditor(api, editorHost, EXAMPLE);
    this.#editor.onValidated = (errors, warnings = []) => this.#showIssues(errors, warnings);
    this.library = new SchemaLibrary(api, this.#editor);
    this.#variables.value = 'caller_id_number=0671234567\ndestination_number=101';
    this.#phones.value = '101=onhook';
    this.#targets.placeholder = `user/101=answer (${OUTCOMES.join(', ')})`;
    this.element = h(
      'section',
      { class: 'schema-page', 'aria-label': 'Schema and trace' },
      h('div', { class: 'panel' }, h('h2', {}, 'Schema'), this.library.element, editorHost, this.#status),
      h(
        'div',
        { class: 'panel' },
        h('h2', {}, 'Trace a simulated call'),
        h(
          'form',
          { onsubmit: (event: Event) => (event.preventDefault(), void this.#run()) },
          h('label', {}, 'Variables (name=value per line)', this.#variables),
          h('div', { class: 'row' }, h('label', {}, 'Phones (id=state per line)', this.#phones), h('label', {}, 'Targets (target=outcome per line)', this.#targets)),
          h('button', { type: 'submit', class: 'primary' }, 'Run trace'),
        ),
        this.#output,
      ),
    );
  }

  #showIssues(errors: SchemaIssue[], warnings: SchemaIssue[]): void {
    const list = (issues: SchemaIssue[], kind: string) => h('ul', { class: `issues ${kind}` }, ...issues.map((issue) => h('li', {}, h('code', {}, issue.path), ' ', issue.message)));
    if (errors.length > 0) return clear(this.#status, list(errors, 'schema-issues'));
    clear(this.#status, h('span', { class: 'valid' }, '✓ valid'), warnings.length > 0 && list(warnings, 'schema-warnings'));
  }

  async #run(): Promise<void> {
    let schema: unknown;
    try {
      schema = JSON.parse(this.#editor.text);
    } catch (error) {
      return clear(this.#output, h('p', { class: 'error', role: 'alert' }, `The schema is not JSON: ${(error as Error).message}`));
    }
    clear(this.#output, h('p', { class: 'muted' }, 'Running…'));
    const targets = Object.fromEntries(Object.entries(parsePairs(this.#targets.value)).map(([target, result]) => [target, { result }]));
    try {
      const { events } = await this.api.request<{ events: TraceEvent[] }>('POST', '/trace', { schema, variables: parsePairs(this.#variables.value), phones: parsePairs(this.#phones.value), targets });
      clear(this.#output, renderSteps(events));
    } catch (error) {
      const issues = error instanceof ApiFailure ? error.issues : [];
      clear(
        this.#output,
        h('p', { class: 'error', role: 'alert' }, issues.length > 0 ? 'The trace request is invalid:' : String((error as Error).message)),
        issues.length > 0 && h('ul', { class: 'issues' }, ...issues.map((issue) => h('li', {}, h('code', {}, issue.path), ' ', issue.message))),
      );
    }
  }
}
