/**
 * HTTPS when a certificate is configured (`http.tls`): the API answers over
 * TLS with that certificate, and the session cookie is marked Secure. The
 * certificate is made by openssl for the test.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AccountStore } from '../../src/admin/account-store.js';
import { startTestRouter } from '../support/sip/router.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function httpsPost(port: number, path: string, ca: Buffer, body: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sent = JSON.stringify(body);
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', ca, servername: 'localhost', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(sent) } }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
    });
    req.on('error', reject);
    req.end(sent);
  });
}

test('http.tls: the API over HTTPS with the configured certificate; the session cookie is Secure', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'callrouter-tls-'));
  try {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' });
    const server = await startTestRouter({ http: { tls: { cert, key } } });
    try {
      const accounts = AccountStore.openInDataDir(server.router.dataDir);
      await accounts.create({ username: 'ann', password: 'ann-password-1', role: 'viewer' });
      accounts.close();
      const signedIn = await httpsPost(server.router.http.port, '/api/v1/session', await readFile(cert), { username: 'ann', password: 'ann-password-1' });
      assert.equal(signedIn.status, 200, signedIn.body);
      const cookies = signedIn.headers['set-cookie'] ?? [];
      assert.equal(cookies.length, 2);
      for (const cookie of cookies) assert.match(cookie, /; Secure/i, cookie);
      await assert.rejects(fetch(`http://127.0.0.1:${server.router.http.port}/health`), 'plain HTTP is not served');
    } finally {
      await server.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
