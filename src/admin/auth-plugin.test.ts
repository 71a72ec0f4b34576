import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { createHttpServer, createMetricsRegistry } from '../http/server.js';
import { requestDomainScope, type TokenVerifier } from './auth-plugin.js';
import type { Principal } from './roles.js';

const principals: Record<string, Principal> = {
  'crt_admin': { tokenId: 'a', name: 'admin', role: 'admin' },
  'crt_viewer': { tokenId: 'v', name: 'viewer', role: 'viewer' },
  'crt_sales': { tokenId: 's', name: 'sales', role: 'domain-admin', domain: 'sales.example' },
};
const tokens: TokenVerifier = { verify: (secret) => principals[secret] };

/** Routes another module might mount after the port is built, knowing nothing of tokens. */
async function laterRoutes(app: FastifyInstance): Promise<void> {
  app.get('/cdr/_mapping', async () => ({ cdr: { mappings: {} } }));
  app.post('/cdr/_delete_by_query', async () => ({ deleted: 0 }));
  app.post('/:index/_search', async (request) => ({ domain: requestDomainScope(request) ?? null }));
  app.get('/api/v1/routes', async () => []);
  app.get('/api/v1/open-for-viewers', { config: { access: { permission: 'cdr.read', domains: 'all', dialect: 'plain', action: 'list' } } }, async () => []);
}

async function server(logger = pino({ level: 'silent' })): Promise<FastifyInstance> {
  return createHttpServer({ logger, metrics: createMetricsRegistry(), health: () => ({}), tokens, plugins: [laterRoutes] });
}

async function status(app: FastifyInstance, method: 'GET' | 'POST', url: string, token?: string): Promise<number> {
  const response = await app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(method === 'POST' ? { payload: {} } : {}) });
  return response.statusCode;
}

test('routes mounted by later plugins are behind tokens without declaring anything', async () => {
  const app = await server();
  try {
    const cases: [method: 'GET' | 'POST', url: string, token: string | undefined, expected: number][] = [
      ['GET', '/health', undefined, 200],
      ['GET', '/cdr/_mapping', undefined, 401],
      ['GET', '/cdr/_mapping', 'crt_viewer', 200],
      ['GET', '/cdr/_mapping', 'crt_sales', 403], // does not say it keeps to one domain
      ['POST', '/cdr/_delete_by_query', 'crt_viewer', 403],
      ['POST', '/cdr/_delete_by_query', 'crt_admin', 200],
      ['POST', '/cdr-2026/_search', 'crt_sales', 200],
      ['GET', '/api/v1/routes', undefined, 401],
      ['GET', '/api/v1/routes', 'crt_viewer', 403],
      ['GET', '/api/v1/routes', 'crt_admin', 200],
      ['GET', '/api/v1/open-for-viewers', 'crt_viewer', 200],
      ['GET', '/api/v1/open-for-viewers', 'crt_sales', 403],
      ['GET', '/api/v1/nothing-here', undefined, 401],
      ['GET', '/api/v1/nothing-here', 'crt_sales', 404],
    ];
    for (const [method, url, token, expected] of cases) assert.equal(await status(app, method, url, token), expected, `${method} ${url} as ${token}`);
  } finally {
    await app.close();
  }
});

test('a filtered search route learns the domain of a confined token, and none for others', async () => {
  const app = await server();
  try {
    const domainAs = async (token: string) => (await app.inject({ method: 'POST', url: '/x/_search', headers: { authorization: `Bearer ${token}` }, payload: {} })).json().domain;
    assert.equal(await domainAs('crt_sales'), 'sales.example');
    assert.equal(await domainAs('crt_viewer'), null);
  } finally {
    await app.close();
  }
});

test('the log of an authorised request names its token and role, and a refusal says what was refused', async () => {
  const lines: Record<string, unknown>[] = [];
  const app = await server(pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) }));
  try {
    await status(app, 'GET', '/cdr/_mapping', 'crt_viewer');
    await status(app, 'POST', '/cdr/_delete_by_query', 'crt_viewer');
  } finally {
    await app.close();
  }
  const completed = lines.filter((line) => line.msg === 'http request');
  assert.deepEqual(completed.map((line) => [line.token, line.role]), [['v', 'viewer'], ['v', 'viewer']]);
  const refused = lines.find((line) => line.msg === 'request refused');
  assert.deepEqual([refused?.token, refused?.action], ['v', 'indices:data/write/delete/byquery']);
});
