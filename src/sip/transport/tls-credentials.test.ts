import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTestCertificates, type TestCertificates } from '../../../test/support/tls-certificates.js';
import { readTlsCredentials } from './tls-credentials.js';

describe('readTlsCredentials', () => {
  let certificates: TestCertificates;
  before(() => {
    certificates = makeTestCertificates();
    writeFileSync(join(certificates.dir, 'garbage.pem'), 'not a certificate\n');
  });
  after(() => certificates.remove());

  const settings = (fields: Record<string, string>) => ({ cert: 'trusted.crt', key: 'trusted.key', requireClientCertificate: false, port: 5061, ...fields });

  it('reads the files relative to the configuration folder', async () => {
    const read = await readTlsCredentials(settings({ ca: 'untrusted.crt' }), certificates.dir);
    assert.ok(read.ok, JSON.stringify(read));
    assert.deepEqual(read.credentials.cert, certificates.trusted.certPem);
    assert.deepEqual(read.credentials.ca, certificates.untrusted.certPem);
  });

  it('names a file that cannot be read, with its full path', async () => {
    const read = await readTlsCredentials(settings({ cert: 'missing.crt' }), certificates.dir);
    assert.deepEqual(read, { ok: false, problems: [`sip.tls.cert: cannot read ${join(certificates.dir, 'missing.crt')}: ENOENT`] });
  });

  it('names a key that is not the certificate’s', async () => {
    const read = await readTlsCredentials(settings({ key: 'untrusted.key' }), certificates.dir);
    assert.ok(!read.ok);
    assert.deepEqual(read.problems.map((problem) => problem.split(':')[0]), ['sip.tls.key']);
    assert.match(read.problems[0], /not the private key of the certificate in sip\.tls\.cert \(CN=callrouter test\)/);
  });

  it('names files that are not PEM certificates or keys', async () => {
    const read = await readTlsCredentials(settings({ cert: 'garbage.pem', key: 'garbage.pem', ca: 'garbage.pem' }), certificates.dir);
    assert.ok(!read.ok);
    assert.deepEqual(read.problems.map((problem) => problem.split(':')[0]), ['sip.tls.cert', 'sip.tls.key', 'sip.tls.ca']);
  });
});
