/** The phones board: one card per user, its live state from the event stream. */
import type { Api, Phone } from './api.js';
import { clear, h } from './dom.js';

export class PhonesBoard {
  readonly element = h('section', { class: 'board', 'aria-label': 'Phones' });
  readonly #phones = new Map<string, Phone>();

  constructor(private readonly api: Api) {}

  async load(): Promise<void> {
    const { phones } = await this.api.request<{ phones: Phone[] }>('GET', '/phones');
    this.#phones.clear();
    for (const phone of phones) this.#phones.set(key(phone.domain, phone.id), phone);
    this.#render();
  }

  /** phone.state changes the badge at once; phone.registrations refetches the phone's contacts. */
  async onEvent(type: string, data: any): Promise<void> {
    const phone = this.#phones.get(key(data.domain, data.id));
    if (!phone) return;
    if (type === 'phone.state') phone.account_state = data.account_state;
    if (type === 'phone.registrations') Object.assign(phone, await this.api.request<Phone>('GET', `/phones/${encodeURIComponent(data.domain)}/${encodeURIComponent(data.id)}`));
    this.#render();
  }

  #render(): void {
    const phones = [...this.#phones.values()].sort((a, b) => a.domain.localeCompare(b.domain) || a.id.localeCompare(b.id, undefined, { numeric: true }));
    const domains = new Set(phones.map((phone) => phone.domain));
    if (phones.length === 0) return clear(this.element, h('p', { class: 'empty' }, 'No users configured.'));
    clear(
      this.element,
      ...phones.map((phone) =>
        h(
          'article',
          { class: `phone state-${phone.account_state}`, 'data-phone': `${phone.id}@${phone.domain}` },
          h('header', {}, h('strong', {}, phone.id), h('span', { class: 'badge', 'data-state': phone.account_state }, phone.account_state)),
          h('div', { class: 'name' }, phone.name || '—'),
          domains.size > 1 && h('div', { class: 'muted' }, phone.domain),
          h(
            'div',
            { class: 'muted contacts' },
            phone.contacts.length === 0
              ? 'not registered'
              : phone.contacts.map((contact) => `${contact.userAgent ?? 'phone'} · ${contact.source.replace(/^\w+:/, '')}`).join('\n'),
          ),
        ),
      ),
    );
  }
}

function key(domain: string, id: string): string {
  return `${id}@${domain}`;
}
