/**
 * The objects of the stored configuration, each with a key such as
 * `domains/example.com/users/101`: what the admin API reads and writes one at
 * a time and what gets a revision of its own. A domain object is the
 * domain's own settings, without the collections that are objects in
 * their own right.
 */
import { isDeepStrictEqual } from 'node:util';
import type { DomainConfig } from '../schema.js';
import type { StoredDomains } from './config-store.js';

export const COLLECTIONS = ['users', 'gateways', 'routes/public', 'routes/default', 'schemas', 'calendars', 'number-lists'] as const;
export type Collection = (typeof COLLECTIONS)[number];

/** One item of a collection, as stored. */
export type StoredItem = Record<string, unknown>;

interface CollectionAccess {
  /** The field that names an item in its collection. */
  key: 'id' | 'name';
  items(domain: DomainConfig): StoredItem[];
  /** The domain with the collection replaced. */
  withItems(domain: DomainConfig, items: readonly StoredItem[]): DomainConfig;
  /** The JSON path of item `index` (named `name`) of domain `d` in the configuration. */
  path(d: number, index: number, name: string): (string | number)[];
}

const list = <K extends 'users' | 'gateways' | 'schemas' | 'calendars'>(field: K, key: 'id' | 'name'): CollectionAccess => ({
  key,
  items: (domain) => domain[field] as unknown as StoredItem[],
  withItems: (domain, items) => ({ ...domain, [field]: items }),
  path: (d, index) => ['domains', d, field, index],
});

const routes = (kind: 'public' | 'default'): CollectionAccess => ({
  key: 'name',
  items: (domain) => domain.routes[kind] as unknown as StoredItem[],
  withItems: (domain, items) => ({ ...domain, routes: { ...domain.routes, [kind]: items } }),
  path: (d, index) => ['domains', d, 'routes', kind, index],
});

export const COLLECTION_ACCESS: Record<Collection, CollectionAccess> = {
  users: list('users', 'id'),
  gateways: list('gateways', 'name'),
  'routes/public': routes('public'),
  'routes/default': routes('default'),
  schemas: list('schemas', 'name'),
  calendars: list('calendars', 'name'),
  // Kept as the `blackLists` record the blackList application reads: an item is { name, numbers }.
  'number-lists': {
    key: 'name',
    items: (domain) => Object.entries(domain.blackLists ?? {}).map(([name, numbers]) => ({ name, numbers })),
    withItems: (domain, items) => ({ ...domain, blackLists: Object.fromEntries(items.map((item) => [item.name as string, item.numbers as string[]])) }),
    path: (d, _index, name) => ['domains', d, 'blackLists', name],
  },
};

/** A domain's own settings: everything but its collections. */
export function domainSettings(domain: DomainConfig): StoredItem {
  const { users: _users, gateways: _gateways, schemas: _schemas, calendars: _calendars, blackLists: _lists, routes, ...own } = domain;
  return { ...own, ...(routes.nationalFormat ? { nationalFormat: routes.nationalFormat } : {}) };
}

export const domainKey = (domain: string) => `domains/${domain}`;
export const objectKey = (domain: string, collection: Collection, name: string) => `domains/${domain}/${collection}/${name}`;

/** Every object of the configuration by key, with its stored value. */
export function objectsOf(domains: StoredDomains): Map<string, unknown> {
  const objects = new Map<string, unknown>();
  for (const domain of domains) {
    objects.set(domainKey(domain.name), domainSettings(domain));
    for (const collection of COLLECTIONS) {
      const access = COLLECTION_ACCESS[collection];
      for (const item of access.items(domain)) objects.set(objectKey(domain.name, collection, String(item[access.key])), item);
    }
  }
  return objects;
}

/** Keys of objects added or changed from `before` to `after`, and of those removed. */
export function changedObjects(before: StoredDomains, after: StoredDomains): { changed: string[]; removed: string[] } {
  const old = objectsOf(before);
  const now = objectsOf(after);
  const changed = [...now].filter(([key, value]) => !old.has(key) || !isDeepStrictEqual(old.get(key), value)).map(([key]) => key);
  const removed = [...old.keys()].filter((key) => !now.has(key));
  return { changed, removed };
}
