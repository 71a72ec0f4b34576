/** Calls in progress, kept current by the event stream, each with its trace so far and a hang-up button. */
import { ApiFailure, type Api, type LiveCall } from './api.js';
import { showCallTrace } from './call-trace.js';
import { clear, h } from './dom.js';

export class CallsTable {
  readonly element = h('section', { 'aria-label': 'Calls in progress' });
  readonly #calls = new Map<string, LiveCall>();
  #error = '';

  constructor(private readonly api: Api) {}

  async load(): Promise<void> {
    const { calls } = await this.api.request<{ calls: LiveCall[] }>('GET', '/calls');
    this.#calls.clear();
    for (const call of calls) this.#calls.set(call.uuid, call);
    this.#render();
  }

  onEvent(type: string, data: any): void {
    if (!type.startsWith('call.')) return;
    if (type === 'call.ended') this.#calls.delete(data.call.uuid);
    else this.#calls.set(data.call.uuid, data.call);
    this.#render();
  }

  get count(): number {
    return this.#calls.size;
  }

  async #hangup(call: LiveCall): Promise<void> {
    try {
      await this.api.request('DELETE', `/calls/${call.uuid}`);
      this.#error = '';
    } catch (error) {
      this.#error = error instanceof ApiFailure ? error.message : String(error);
    }
    this.#render();
  }

  #render(): void {
    const calls = [...this.#calls.values()].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    clear(
      this.element,
      this.#error && h('p', { class: 'error', role: 'alert' }, this.#error),
      calls.length === 0
        ? h('p', { class: 'empty' }, 'No calls in progress.')
        : h(
            'table',
            { class: 'calls' },
            h('thead', {}, h('tr', {}, ...['From', 'To', 'State', 'Started', 'Domain', ''].map((title) => h('th', {}, title)))),
            h(
              'tbody',
              {},
              ...calls.map((call) =>
                h(
                  'tr',
                  { 'data-call': call.uuid },
                  h('td', { 'data-label': 'From' }, call.callerIdNumber),
                  h('td', { 'data-label': 'To' }, call.destinationNumber),
                  h('td', { 'data-label': 'State' }, h('span', { class: 'badge', 'data-state': call.state }, call.state)),
                  h('td', { 'data-label': 'Started' }, new Date(call.startedAt).toLocaleTimeString()),
                  h('td', { 'data-label': 'Domain' }, call.domain),
                  h(
                    'td',
                    { class: 'actions' },
                    h('button', { class: 'small', onclick: () => void showCallTrace(this.api, call.uuid) }, 'Trace'),
                    h('button', { class: 'small danger', onclick: () => void this.#hangup(call) }, 'Hang up'),
                  ),
                ),
              ),
            ),
          ),
    );
  }
}
