/** The admin API's tests: one token per role, and JSON requests to /api/v1 that must answer JSON. */
import assert from 'node:assert/strict';
import { TokenStore } from '../../src/admin/token-store.js';

export type RoleTokens = Record<'admin' | 'viewer' | 'writer' | 'own' | 'foreign', string>;

/** An admin, a viewer, a CDR writer, and domain-admins of `own` and of `foreign`, in the router's data directory. */
export function createRoleTokens(dataDir: string, own: string, foreign: string): RoleTokens {
  const store = TokenStore.openInDataDir(dataDir);
  try {
    return {
      admin: store.create({ role: 'admin', name: 'admin' }).token,
      viewer: store.create({ role: 'viewer', name: 'wallboard' }).token,
      writer: store.create({ role: 'cdr-writer', name: 'freeswitch' }).token,
      own: store.create({ role: 'domain-admin', domain: own, name: 'supervisor' }).token,
      foreign: store.create({ role: 'domain-admin', domain: foreign, name: 'other supervisor' }).token,
    };
  } finally {
    store.close();
  }
}

export interface ApiAnswer {
  status: number;
  body: any;
  headers: Headers;
}

export async function apiRequest(base: string, method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> {
  const sent: Record<string, string> = { ...headers };
  if (token) sent.authorization = `Bearer ${token}`;
  if (body !== undefined) sent['content-type'] = 'application/json';
  const response = await fetch(`${base}/api/v1${path}`, { method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  assert.match(response.headers.get('content-type') ?? '', /application\/json/, `${method} ${path} answers JSON: ${text}`);
  return { status: response.status, body: JSON.parse(text), headers: response.headers };
}
