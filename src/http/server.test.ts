import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { createHttpServer, createMetricsRegistry } from './server.js';

test('each HTTP request is one debug line, and none at info', async () => {
  const out = new PassThrough();
  const lines: { level: number; msg: string; url?: string; status?: number }[] = [];
  out.on('data', (chunk: Buffer) => lines.push(...chunk.toString().trim().split('\n').map((line) => JSON.parse(line))));
  const noTokens = { verify: () => undefined };
  const app = await createHttpServer({ logger: pino({ level: 'debug' }, out), metrics: createMetricsRegistry(), health: () => ({}), tokens: noTokens });
  try {
    assert.equal((await app.inject({ url: '/health' })).statusCode, 200);
    assert.equal((await app.inject({ url: '/nowhere' })).statusCode, 401, 'without a token, no route is told apart from another');
    await new Promise((resolve) => setImmediate(resolve));
    const requests = lines.filter((line) => line.msg === 'http request');
    assert.deepEqual(requests.map(({ level, url, status }) => ({ level, url, status })), [
      { level: 20, url: '/health', status: 200 },
      { level: 20, url: '/nowhere', status: 401 },
    ]);
    assert.deepEqual(lines.filter((line) => line.level >= 30), []);
  } finally {
    await app.close();
  }
});
