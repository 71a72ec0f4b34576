/**
 * A form for one configuration object, built from its fields: text, secrets
 * (write-only: left empty, the stored one is kept), numbers, switches,
 * choices, lists (one per line) and `name=value` variables. Errors the API
 * reports at `$.body.<field>` are shown under that field.
 */
import type { ApiIssue } from './api.js';
import { clear, h } from './dom.js';
import { parsePairs } from './pairs.js';

export interface Field {
  name: string;
  label: string;
  kind: 'text' | 'secret' | 'number' | 'switch' | 'choice' | 'lines' | 'variables' | 'schema';
  /** The object's name: fixed once it exists. */
  key?: boolean;
  required?: boolean;
  choices?: string[];
  placeholder?: string;
}

type Item = Record<string, unknown>;

export class ConfigForm {
  readonly element: HTMLFormElement;
  readonly #inputs = new Map<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>();
  readonly #errors = new Map<string, HTMLElement>();
  readonly #general = h('p', { class: 'error', role: 'alert' });

  constructor(
    private readonly fields: readonly Field[],
    /** The stored object being edited; undefined for a new one. */
    readonly editing: Item | undefined,
    onSubmit: (body: Item) => void,
    onCancel: () => void,
  ) {
    this.element = h(
      'form',
      { class: 'config-form', onsubmit: (event: Event) => (event.preventDefault(), onSubmit(this.body())) },
      ...fields.map((field) => this.#row(field)),
      this.#general,
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, editing ? 'Save' : 'Create'), h('button', { type: 'button', onclick: onCancel }, 'Cancel')),
    );
  }

  #row(field: Field): HTMLElement {
    const value = this.editing?.[field.name];
    const id = `field-${field.name}`;
    let input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
    if (field.kind === 'choice') {
      input = h('select', { id, name: field.name }, ...(field.choices ?? []).map((choice) => h('option', { value: choice }, choice)));
      if (value !== undefined) input.value = String(value);
    } else if (field.kind === 'lines' || field.kind === 'variables') {
      input = h('textarea', { id, name: field.name, rows: '3', spellcheck: false });
      input.value = field.kind === 'lines' ? ((value as string[] | undefined) ?? []).join('\n') : Object.entries((value as Record<string, string> | undefined) ?? {}).map(([name, text]) => `${name}=${text}`).join('\n');
    } else if (field.kind === 'switch') {
      input = h('input', { id, name: field.name, type: 'checkbox' });
      input.checked = value === true;
    } else {
      const type = field.kind === 'secret' ? 'password' : field.kind === 'number' ? 'number' : 'text';
      input = h('input', { id, name: field.name, type, autocomplete: field.kind === 'secret' ? 'new-password' : 'off' });
      if (field.kind === 'schema' && Array.isArray(value)) input.value = JSON.stringify(value);
      else if (value !== undefined && field.kind !== 'secret') input.value = String(value);
    }
    const hasSecret = this.editing?.hasPassword === true;
    const placeholder = field.kind === 'secret' && hasSecret ? 'unchanged' : field.placeholder;
    if (placeholder && !(input instanceof HTMLSelectElement)) input.placeholder = placeholder;
    if ((field.required && !(field.kind === 'secret' && this.editing)) || field.key) input.required = true;
    if (field.key && this.editing) input.disabled = true;
    this.#inputs.set(field.name, input);
    const error = h('span', { class: 'field-error' });
    this.#errors.set(field.name, error);
    return h('label', { class: field.kind === 'switch' ? 'switch' : '', for: id }, field.label, input, error);
  }

  /** The request body: empty optional fields left out, a secret only when typed. */
  body(): Item {
    const body: Item = {};
    for (const field of this.fields) {
      const input = this.#inputs.get(field.name)!;
      const text = input.value.trim();
      if (field.kind === 'switch') body[field.name] = (input as HTMLInputElement).checked;
      else if (field.kind === 'lines') body[field.name] = text.split('\n').map((line) => line.trim()).filter(Boolean);
      else if (field.kind === 'variables') body[field.name] = parsePairs(text);
      else if (text === '') continue;
      else if (field.kind === 'number') body[field.name] = Number(text);
      else if (field.kind === 'schema' && text.startsWith('[')) body[field.name] = parseOrText(text);
      else body[field.name] = field.kind === 'secret' ? input.value : text;
    }
    if (this.editing) for (const field of this.fields) if (field.key) body[field.name] = this.editing[field.name];
    return body;
  }

  /** Shows the API's refusal: each issue under its field when it names one, else above the buttons. */
  showError(message: string, issues: readonly ApiIssue[] = []): void {
    for (const error of this.#errors.values()) clear(error);
    const general: string[] = [];
    for (const issue of issues) {
      const field = /^\$\.body\.([A-Za-z]+)/.exec(issue.path)?.[1];
      const target = field && this.#errors.get(field);
      if (target) target.textContent = issue.message;
      else general.push(`${issue.path}: ${issue.message}`);
    }
    this.#general.textContent = issues.length === 0 ? message : general.join('; ');
  }
}

/** An inline schema as JSON; text that is not JSON goes as it is, for the API to say what is wrong with it. */
function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
