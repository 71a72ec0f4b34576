/**
 * The configuration page: a domain's users, gateways and routes, each as a
 * list with a form to create, edit (If-Match: a change made meanwhile by
 * someone else is refused, not overwritten) and delete. Changes apply to
 * the running router at once.
 */
import { ApiFailure, type Api } from './api.js';
import { auditTable } from './audit.js';
import { ConfigForm, type Field } from './config-form.js';
import { clear, h } from './dom.js';

interface CollectionView {
  collection: string;
  title: string;
  noun: string;
  key: string;
  fields: Field[];
  /** The list's columns after the key. */
  columns: [title: string, value: (item: Item) => string][];
}

type Item = Record<string, any>;

const schemaName = (item: Item) => (typeof item.schema === 'string' ? item.schema : item.schema ? 'inline' : '');
const variablesField: Field = { name: 'variables', label: 'Variables (name=value per line)', kind: 'variables' };
const schemaField = (required: boolean): Field => ({ name: 'schema', label: 'Schema (a name from the domain’s schemas, or inline JSON)', kind: 'schema', required });

const COLLECTIONS: CollectionView[] = [
  {
    collection: 'users',
    title: 'Users',
    noun: 'user',
    key: 'id',
    fields: [
      { name: 'id', label: 'Extension', kind: 'text', key: true, placeholder: '106' },
      { name: 'name', label: 'Name', kind: 'text' },
      { name: 'password', label: 'SIP password', kind: 'secret', required: true },
      { name: 'dnd', label: 'Do not disturb', kind: 'switch' },
      schemaField(false),
      variablesField,
    ],
    columns: [
      ['Name', (item) => item.name ?? ''],
      ['DND', (item) => (item.dnd ? 'on' : '')],
      ['Schema', schemaName],
    ],
  },
  {
    collection: 'gateways',
    title: 'Gateways',
    noun: 'gateway',
    key: 'name',
    fields: [
      { name: 'name', label: 'Name', kind: 'text', key: true },
      { name: 'host', label: 'Host', kind: 'text', required: true, placeholder: 'sip.carrier.example' },
      { name: 'port', label: 'Port', kind: 'number', placeholder: 'DNS SRV, else 5060' },
      { name: 'transport', label: 'Transport', kind: 'choice', choices: ['udp', 'tcp', 'tls'] },
      { name: 'callerIdNumber', label: 'Caller ID number', kind: 'text' },
      { name: 'username', label: 'Username', kind: 'text' },
      { name: 'password', label: 'Password', kind: 'secret' },
      { name: 'register', label: 'Register', kind: 'switch' },
    ],
    columns: [
      ['Host', (item) => `${item.host}:${item.port ?? (item.transport === 'tls' ? 5061 : 5060)}/${item.transport ?? 'udp'}`],
      ['Registers', (item) => (item.register ? 'yes' : '')],
    ],
  },
  {
    collection: 'routes/public',
    title: 'Public routes',
    noun: 'public route',
    key: 'name',
    fields: [{ name: 'name', label: 'Name', kind: 'text', key: true }, { name: 'numbers', label: 'Numbers (one per line)', kind: 'lines', required: true }, schemaField(true), variablesField],
    columns: [
      ['Numbers', (item) => (item.numbers ?? []).join(', ')],
      ['Schema', schemaName],
    ],
  },
  {
    collection: 'routes/default',
    title: 'Default routes',
    noun: 'default route',
    key: 'name',
    fields: [
      { name: 'name', label: 'Name', kind: 'text', key: true },
      { name: 'pattern', label: 'Destination pattern (RE2)', kind: 'text', required: true, placeholder: '^\\d{3}$' },
      schemaField(true),
      { name: 'position', label: 'Position (0 first)', kind: 'number' },
      variablesField,
    ],
    columns: [
      ['Pattern', (item) => item.pattern ?? ''],
      ['Schema', schemaName],
    ],
  },
];

export class ConfigPage {
  readonly element: HTMLElement;
  readonly #domain = h('select', { id: 'config-domain', 'aria-label': 'Domain' });
  readonly #tabs = h('div', { class: 'subtabs', role: 'tablist' });
  readonly #body = h('div', { class: 'config-body' });
  readonly #editor = h('div', { class: 'config-editor' });
  #view: CollectionView | 'audit' = COLLECTIONS[0];

  constructor(private readonly api: Api) {
    this.#domain.addEventListener('change', () => void this.#list());
    for (const view of COLLECTIONS) {
      this.#tabs.append(h('button', { type: 'button', role: 'tab', 'data-collection': view.collection, onclick: () => this.#open(view) }, view.title));
    }
    this.#tabs.append(h('button', { type: 'button', role: 'tab', 'data-collection': 'audit', onclick: () => this.#open('audit') }, 'Audit log'));
    this.element = h('section', { class: 'config-page', 'aria-label': 'Configuration' }, h('div', { class: 'config-head' }, h('label', {}, 'Domain', this.#domain), this.#tabs), this.#editor, this.#body);
  }

  /** Reads the domains (a domain-admin sees its own) and shows the current collection. */
  async load(): Promise<void> {
    try {
      const { items } = await this.api.request<{ items: Item[] }>('GET', '/domains');
      const selected = this.#domain.value;
      clear(this.#domain, ...items.map((domain) => h('option', { value: domain.name }, domain.name)));
      if (items.some((domain) => domain.name === selected)) this.#domain.value = selected;
      this.#open(this.#view);
    } catch (error) {
      clear(this.#body, h('p', { class: 'error', role: 'alert' }, (error as Error).message));
    }
  }

  #open(view: CollectionView | 'audit'): void {
    this.#view = view;
    const name = view === 'audit' ? 'audit' : view.collection;
    for (const tab of this.#tabs.querySelectorAll('button')) tab.setAttribute('aria-selected', String(tab.dataset.collection === name));
    clear(this.#editor);
    void this.#list();
  }

  #path(view: CollectionView, name?: string): string {
    const base = `/domains/${encodeURIComponent(this.#domain.value)}/${view.collection}`;
    return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
  }

  async #list(): Promise<void> {
    if (!this.#domain.value) return clear(this.#body, h('p', { class: 'empty' }, 'No domain.'));
    const view = this.#view;
    if (view === 'audit') {
      const shown = await auditTable(this.api, this.#domain.value).catch((error: Error) => h('p', { class: 'error', role: 'alert' }, error.message));
      if (this.#view === 'audit') clear(this.#body, h('div', { class: 'list-head' }, h('h2', {}, 'Audit log')), shown);
      return;
    }
    let items: Item[];
    try {
      ({ items } = await this.api.request<{ items: Item[] }>('GET', this.#path(view)));
    } catch (error) {
      return clear(this.#body, h('p', { class: 'error', role: 'alert' }, (error as Error).message));
    }
    if (view !== this.#view) return;
    const headers = [view.fields[0].label, ...view.columns.map(([title]) => title), ''];
    clear(
      this.#body,
      h('div', { class: 'list-head' }, h('h2', {}, view.title), h('button', { class: 'primary', onclick: () => this.#edit(view, undefined) }, `New ${view.noun}`)),
      items.length === 0
        ? h('p', { class: 'empty' }, `No ${view.noun}s in this domain.`)
        : h(
            'table',
            { class: 'calls config-list' },
            h('thead', {}, h('tr', {}, ...headers.map((title) => h('th', {}, title)))),
            h(
              'tbody',
              {},
              ...items.map((item) =>
                h(
                  'tr',
                  { 'data-item': String(item[view.key]) },
                  h('td', { 'data-label': headers[0] }, h('strong', {}, String(item[view.key]))),
                  ...view.columns.map(([title, value]) => h('td', { 'data-label': title }, value(item))),
                  h(
                    'td',
                    { class: 'actions' },
                    h('button', { class: 'small', onclick: () => this.#edit(view, item) }, 'Edit'),
                    h('button', { class: 'small danger', onclick: () => void this.#delete(view, item) }, 'Delete'),
                  ),
                ),
              ),
            ),
          ),
    );
  }

  #edit(view: CollectionView, item: Item | undefined): void {
    const form: ConfigForm = new ConfigForm(view.fields, item, (body) => void this.#save(view, form, body), () => clear(this.#editor));
    clear(this.#editor, h('div', { class: 'panel' }, h('h2', {}, item ? `Edit ${view.noun} ${item[view.key]}` : `New ${view.noun}`), form.element));
    form.element.querySelector<HTMLElement>('input:not([disabled]), select, textarea')?.focus();
  }

  async #save(view: CollectionView, form: ConfigForm, body: Record<string, unknown>): Promise<void> {
    const stored = form.editing;
    try {
      if (stored) await this.api.request('PUT', this.#path(view, String(stored[view.key])), body, { 'if-match': `"${stored.revision}"` });
      else await this.api.request('POST', this.#path(view), body);
    } catch (error) {
      if (!(error instanceof ApiFailure)) return form.showError(String(error));
      const message = error.status === 412 ? 'Someone changed it since you opened it: cancel and edit it again.' : error.message;
      return form.showError(message, error.status === 412 ? [] : error.issues);
    }
    clear(this.#editor);
    await this.#list();
  }

  async #delete(view: CollectionView, item: Item): Promise<void> {
    const name = String(item[view.key]);
    if (!confirm(`Delete ${view.noun} ${name}?`)) return;
    try {
      await this.api.request('DELETE', this.#path(view, name), undefined, { 'if-match': `"${item.revision}"` });
    } catch (error) {
      clear(this.#editor, h('p', { class: 'error', role: 'alert' }, (error as Error).message));
    }
    await this.#list();
  }
}
