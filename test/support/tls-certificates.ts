/**
 * Certificates made at test time with openssl (Debian's base system), in a
 * temporary folder removed by `remove()`: nothing is downloaded and no key
 * is committed. `trusted` names localhost and 127.0.0.1 and is its own CA
 * (tests put it in the CA bundle); `untrusted` names the same but is signed
 * by nobody the tests trust.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertificateFiles {
  cert: string;
  key: string;
  certPem: Buffer;
  keyPem: Buffer;
}

export interface TestCertificates {
  dir: string;
  trusted: CertificateFiles;
  untrusted: CertificateFiles;
  remove(): void;
}

export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'callrouter-tls-'));
  const make = (name: string, commonName: string): CertificateFiles => {
    const cert = join(dir, `${name}.crt`);
    const key = join(dir, `${name}.key`);
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${commonName}`, '-days', '1', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('the TLS tests make their certificates with openssl: sudo apt-get install openssl');
      throw error;
    }
    return { cert, key, certPem: readFileSync(cert), keyPem: readFileSync(key) };
  };
  return { dir, trusted: make('trusted', 'callrouter test'), untrusted: make('untrusted', 'impostor'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
