/**
 * Reads `sip.tls`'s PEM files (relative to the configuration's folder) and
 * checks them before the server starts: a file that cannot be read, a
 * certificate or key that does not parse, a key that is not the
 * certificate's, or a CA bundle that holds no certificate are named as
 * configuration problems, so a router never starts with a TLS listener that
 * fails every handshake.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { TlsSettings } from './settings.js';
import type { TlsCredentials } from './tls-sockets.js';

export type TlsCredentialsResult = { ok: true; credentials: TlsCredentials } | { ok: false; problems: string[] };

export async function readTlsCredentials(settings: TlsSettings, baseDir: string): Promise<TlsCredentialsResult> {
  const problems: string[] = [];
  const read = async (field: 'cert' | 'key' | 'ca', file: string): Promise<Buffer | undefined> => {
    const path = resolve(baseDir, file);
    try {
      return await readFile(path);
    } catch (error) {
      problems.push(`sip.tls.${field}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      return undefined;
    }
  };
  const [cert, key, ca] = await Promise.all([read('cert', settings.cert), read('key', settings.key), settings.ca === undefined ? undefined : read('ca', settings.ca)]);
  const certificate = cert && parsed(problems, 'cert', 'a PEM certificate', () => new X509Certificate(cert));
  const privateKey = key && parsed(problems, 'key', 'an unencrypted PEM private key', () => createPrivateKey(key));
  if (certificate && privateKey && !certificate.checkPrivateKey(privateKey)) {
    problems.push(`sip.tls.key: not the private key of the certificate in sip.tls.cert (${certificate.subject.replaceAll('\n', ', ')})`);
  }
  if (ca) parsed(problems, 'ca', 'PEM CA certificates', () => new X509Certificate(ca));
  if (problems.length > 0 || !cert || !key) return { ok: false, problems };
  return { ok: true, credentials: { cert, key, ...(ca ? { ca } : {}), requireClientCertificate: settings.requireClientCertificate } };
}

function parsed<T>(problems: string[], field: string, expected: string, parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    problems.push(`sip.tls.${field}: expected ${expected}: ${(error as Error).message}`);
    return undefined;
  }
}
