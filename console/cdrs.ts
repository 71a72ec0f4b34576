/**
 * CDR search: filters, the raw Elasticsearch query for power users, the
 * newest matching CDRs, and charts from the same search's aggregations.
 * Each row opens its call's trace.
 */
import { ApiFailure, type Api, type CdrHit, type SearchResult } from './api.js';
import { showCallTrace } from './call-trace.js';
import { answeredShare, callsPerBucket, lastAgentOutcomes, talkTimePerAgent, type Aggregations, type ChartFigure } from './charts.js';
import { bucketHours, searchBody, type CdrFilters } from './cdr-query.js';
import { clear, h } from './dom.js';

const PERIODS: [hours: number, label: string][] = [
  [1, 'last hour'],
  [24, 'last 24 hours'],
  [24 * 7, 'last 7 days'],
  [24 * 30, 'last 30 days'],
];

export class CdrSearch {
  readonly element: HTMLElement;
  readonly #form: HTMLFormElement;
  readonly #status = h('p', { class: 'muted', 'aria-live': 'polite' });
  readonly #charts = h('div', { class: 'charts' });
  readonly #results = h('div', { class: 'results' });
  #figures: ChartFigure[] = [];

  constructor(private readonly api: Api) {
    const select = (name: string, options: [string, string][]) => h('select', { name }, ...options.map(([value, label]) => h('option', { value }, label)));
    this.#form = h(
      'form',
      { class: 'filters', onsubmit: (event: Event) => (event.preventDefault(), void this.search()) },
      h('label', {}, 'Period', select('hours', PERIODS.map(([hours, label]) => [String(hours), label]))),
      h('label', {}, 'Direction', select('direction', [['', 'any'], ['inbound', 'inbound'], ['outbound', 'outbound'], ['internal', 'internal']])),
      h('label', {}, 'Answered', select('answered', [['', 'any'], ['true', 'yes'], ['false', 'no']])),
      h('label', {}, 'Number contains', h('input', { name: 'number', inputmode: 'tel', placeholder: '0671234567' })),
      h('label', {}, 'User', h('input', { name: 'user', placeholder: '101' })),
      h(
        'details',
        { class: 'raw' },
        h('summary', {}, 'Raw Elasticsearch query'),
        h('textarea', { name: 'raw', rows: '4', spellcheck: false, placeholder: '{"match": {"Hangup cause": "NO_ANSWER"}}' }),
      ),
      h('button', { type: 'submit', class: 'primary' }, 'Search'),
    );
    (this.#form.elements.namedItem('hours') as HTMLSelectElement).value = '24';
    this.element = h('section', { class: 'cdr-page', 'aria-label': 'CDR search' }, this.#form, this.#status, this.#charts, this.#results);
  }

  #filters(): CdrFilters {
    const value = (name: string) => (this.#form.elements.namedItem(name) as HTMLInputElement).value;
    return {
      hours: Number(value('hours')),
      direction: value('direction') as CdrFilters['direction'],
      answered: value('answered') as CdrFilters['answered'],
      number: value('number'),
      user: value('user'),
      raw: value('raw'),
    };
  }

  async search(): Promise<void> {
    const filters = this.#filters();
    let body: Record<string, unknown>;
    try {
      body = searchBody(filters);
    } catch (error) {
      return clear(this.#status, h('span', { class: 'error', role: 'alert' }, `Raw query: ${(error as Error).message}`));
    }
    clear(this.#status, 'Searching…');
    let result: SearchResult;
    try {
      result = await this.api.request<SearchResult>('POST', '/cdrs/search', body);
    } catch (error) {
      return clear(this.#status, h('span', { class: 'error', role: 'alert' }, error instanceof ApiFailure ? error.message : String(error)));
    }
    const total = result.hits.total?.value ?? result.hits.hits.length;
    clear(this.#status, `${total} CDR${total === 1 ? '' : 's'}${total > result.hits.hits.length ? `, the newest ${result.hits.hits.length} shown` : ''} · ${result.took} ms`);
    this.#drawCharts((result.aggregations ?? {}) as Aggregations, bucketHours(filters));
    clear(this.#results, result.hits.hits.length === 0 ? h('p', { class: 'empty' }, 'No CDRs match.') : this.#table(result.hits.hits));
  }

  #drawCharts(aggregations: Aggregations, hoursPerBucket: number): void {
    for (const figure of this.#figures) figure.destroy();
    clear(this.#charts);
    this.#figures = [callsPerBucket(aggregations, hoursPerBucket), answeredShare(aggregations), talkTimePerAgent(aggregations), lastAgentOutcomes(aggregations)];
    this.#charts.append(...this.#figures.map((figure) => figure.element));
  }

  #table(hits: CdrHit[]): HTMLElement {
    const columns: [title: string, value: (cdr: Record<string, any>) => string][] = [
      ['Start', (cdr) => (cdr['Call start time'] ? new Date(cdr['Call start time']).toLocaleString() : '')],
      ['Direction', (cdr) => cdr['Call direction'] ?? ''],
      ['From', (cdr) => cdr['CallerID number'] ?? ''],
      ['To', (cdr) => cdr['Destination number'] ?? ''],
      ['User', (cdr) => cdr['User ID'] ?? ''],
      ['Talk', (cdr) => (cdr.Answered ? `${cdr['Connected call duration'] ?? 0} s` : 'not answered')],
      ['Hangup cause', (cdr) => cdr['Hangup cause'] ?? ''],
    ];
    return h(
      'table',
      { class: 'calls cdrs' },
      h('thead', {}, h('tr', {}, ...columns.map(([title]) => h('th', {}, title)), h('th', {}, ''))),
      h(
        'tbody',
        {},
        ...hits.map((hit) => {
          // A bridged leg's CDR names the call (the caller's leg) whose trace explains it.
          const call = hit._source.variables?.originating_leg_uuid ?? hit._id;
          return h(
            'tr',
            { 'data-cdr': hit._id },
            ...columns.map(([title, value]) => h('td', { 'data-label': title }, value(hit._source))),
            h('td', {}, h('button', { class: 'small', onclick: () => void showCallTrace(this.api, call) }, 'Trace')),
          );
        }),
      ),
    );
  }
}
