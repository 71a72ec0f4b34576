/**
 * The schema page's toolbar: open one of the domains' named schemas in the
 * editor, save it back (If-Match: a schema changed meanwhile by someone
 * else is not overwritten), or save the editor's text as a new one. A
 * schema that does not validate is refused by the API and never saved.
 */
import { ApiFailure, type Api } from './api.js';
import { h } from './dom.js';
import type { SchemaEditor } from './schema-editor.js';

interface StoredSchema {
  name: string;
  schema: unknown[];
  revision: number;
}

export class SchemaLibrary {
  readonly element: HTMLElement;
  readonly #choice = h('select', { id: 'schema-choice', 'aria-label': 'Stored schema' });
  readonly #message = h('span', { class: 'library-message', 'aria-live': 'polite' });
  /** The stored schema the editor holds (domain, name, revision), if it came from one. */
  #open: { domain: string; name: string; revision: number } | undefined;

  constructor(
    private readonly api: Api,
    private readonly editor: SchemaEditor,
  ) {
    this.element = h(
      'div',
      { class: 'library' },
      this.#choice,
      h('button', { type: 'button', class: 'small', onclick: () => void this.#load() }, 'Open'),
      h('button', { type: 'button', class: 'small', onclick: () => void this.#save() }, 'Save'),
      h('button', { type: 'button', class: 'small', onclick: () => void this.#saveAs() }, 'Save as…'),
      this.#message,
    );
  }

  /** Lists the named schemas of every domain the token may see. */
  async refresh(): Promise<void> {
    try {
      const { items: domains } = await this.api.request<{ items: { name: string }[] }>('GET', '/domains');
      const lists = await Promise.all(
        domains.map(async (domain) => ({ domain: domain.name, schemas: (await this.api.request<{ items: StoredSchema[] }>('GET', `/domains/${encodeURIComponent(domain.name)}/schemas`)).items })),
      );
      const chosen = this.#choice.value;
      this.#choice.replaceChildren(
        ...lists.map(({ domain, schemas }) => h('optgroup', { label: domain }, ...schemas.map((schema) => h('option', { value: JSON.stringify([domain, schema.name]) }, schema.name)))),
      );
      if (chosen && [...this.#choice.options].some((option) => option.value === chosen)) this.#choice.value = chosen;
    } catch (error) {
      this.#say(`Stored schemas cannot be listed: ${(error as Error).message}`, true);
    }
  }

  async #load(): Promise<void> {
    if (!this.#choice.value) return this.#say('No stored schema to open.', true);
    const [domain, name] = JSON.parse(this.#choice.value) as [string, string];
    const stored = await this.api.request<StoredSchema>('GET', this.#path(domain, name));
    this.editor.text = JSON.stringify(stored.schema, null, 2);
    this.#open = { domain, name, revision: stored.revision };
    this.#say(`Opened ${name} (${domain}), revision ${stored.revision}.`);
  }

  async #save(): Promise<void> {
    if (!this.#open) return this.#saveAs();
    const { domain, name, revision } = this.#open;
    await this.#write('PUT', this.#path(domain, name), { name, schema: this.#parsed() }, { 'if-match': `"${revision}"` });
  }

  async #saveAs(): Promise<void> {
    const [domain] = this.#choice.value ? (JSON.parse(this.#choice.value) as [string]) : [this.#choice.querySelector('optgroup')?.label];
    const name = prompt(`Save as a new schema of ${domain ?? 'the domain'}, named:`);
    if (!name || !domain) return;
    await this.#write('POST', `/domains/${encodeURIComponent(domain)}/schemas`, { name, schema: this.#parsed() }, {});
  }

  async #write(method: 'PUT' | 'POST', path: string, body: { name: string; schema: unknown }, headers: Record<string, string>): Promise<void> {
    if (body.schema === undefined) return this.#say('The schema is not JSON: nothing saved.', true);
    try {
      const saved = await this.api.request<StoredSchema>(method, path, body, headers);
      const domain = decodeURIComponent(path.split('/')[2]);
      this.#open = { domain, name: saved.name, revision: saved.revision };
      await this.refresh();
      this.#choice.value = JSON.stringify([domain, saved.name]);
      this.#say(`Saved ${saved.name} (${domain}), revision ${saved.revision}: new calls use it.`);
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 412) return this.#say('Someone saved this schema since you opened it: open it again before saving.', true);
      const issues = error instanceof ApiFailure ? error.issues.length : 0;
      this.#say(issues > 0 ? `Not saved: ${issues} error${issues === 1 ? '' : 's'} (underlined).` : `Not saved: ${(error as Error).message}`, true);
    }
  }

  #parsed(): unknown {
    try {
      return JSON.parse(this.editor.text) as unknown;
    } catch {
      return undefined;
    }
  }

  #path(domain: string, name: string): string {
    return `/domains/${encodeURIComponent(domain)}/schemas/${encodeURIComponent(name)}`;
  }

  #say(message: string, failed = false): void {
    this.#message.textContent = message;
    this.#message.classList.toggle('error', failed);
  }
}
