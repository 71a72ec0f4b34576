/** The audit log of a domain's configuration (GET /api/v1/audit): who changed what, and the revision before and after. */
import type { Api } from './api.js';
import { h } from './dom.js';

interface AuditEntry {
  id: number;
  at: string;
  actor: { kind: 'token' | 'account'; id: string; name: string };
  action: string;
  object: string;
  revisionBefore: number;
  revisionAfter: number;
}

export async function auditTable(api: Api, domain: string): Promise<HTMLElement> {
  const { items } = await api.request<{ items: AuditEntry[] }>('GET', `/audit?limit=100&domain=${encodeURIComponent(domain)}`);
  if (items.length === 0) return h('p', { class: 'empty' }, 'No changes recorded for this domain.');
  const columns: [title: string, value: (entry: AuditEntry) => string][] = [
    ['When', (entry) => new Date(entry.at).toLocaleString()],
    ['Who', (entry) => `${entry.actor.name} (${entry.actor.kind})`],
    ['Action', (entry) => entry.action],
    ['Object', (entry) => entry.object],
    ['Revision', (entry) => `${entry.revisionBefore} → ${entry.revisionAfter}`],
  ];
  return h(
    'table',
    { class: 'calls audit' },
    h('thead', {}, h('tr', {}, ...columns.map(([title]) => h('th', {}, title)))),
    h('tbody', {}, ...items.map((entry) => h('tr', { 'data-audit': String(entry.id) }, ...columns.map(([title, value]) => h('td', { 'data-label': title }, value(entry)))))),
  );
}
