/**
 * `callrouter cdr serve` as a child process on a free port over a scratch
 * data directory with an admin token, for the tests that drive it with real Elasticsearch and
 * OpenSearch clients; and the CDRs those tests load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before } from 'node:test';
import { Client } from '@elastic/elasticsearch';
import { fileURLToPath } from 'node:url';
import { TokenStore } from '../../../src/admin/token-store.js';
import type { CdrDocument } from '../../../src/cdr/store.js';
import { documentsOf, leg } from './dataset.js';

const MAIN = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface CdrServe {
  url: string;
  /** Headers with an admin token of the served data directory. */
  headers: Record<string, string>;
  stop(): Promise<void>;
}

export async function startCdrServe(): Promise<CdrServe> {
  const data = await mkdtemp(join(tmpdir(), 'callrouter-cdr-serve-'));
  const tokens = TokenStore.openInDataDir(data);
  const token = tokens.create({ role: 'admin', name: 'client tests' }).token;
  tokens.close();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', MAIN, 'cdr', 'serve', '--port', '0', '--data', data], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`cdr serve exited (${code}) before listening: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const address = /listening on (http:\/\/\S+)/.exec(line)?.[1];
      if (address) resolve(address);
    });
  });
  return {
    url,
    headers: { authorization: `Bearer ${token}` },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      await rm(data, { recursive: true, force: true });
    },
  };
}

/** A `cdr serve` for the test file and a client on it (the 8.x client unless `connect` makes another), started before its tests and stopped after. */
export function servedClient<C extends { close(): Promise<unknown> } = Client>(
  connect: (serve: CdrServe) => C = (serve) => new Client({ node: serve.url, headers: serve.headers }) as unknown as C,
): { readonly client: C; readonly serve: CdrServe } {
  let serve: CdrServe | undefined;
  let client: C | undefined;
  before(async () => {
    serve = await startCdrServe();
    client = connect(serve);
  });
  after(async () => {
    await client?.close();
    await serve?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('cdr serve runs once the before hook has run');
    return value;
  };
  return {
    get client() {
      return started(client);
    },
    get serve() {
      return started(serve);
    },
  };
}

/** Minutes before now, as a Date. */
function minutesAgo(minutes: number): Date {
  return new Date(Date.now() - minutes * 60_000);
}

/**
 * Ten legs of example.com around now: user 101 called the customer 0671234567
 * 10 minutes ago (what the seed query finds), 102 called them 40 minutes ago
 * (outside its window), and other calls.
 */
export function clientTestDocuments(): { id: string; document: CdrDocument }[] {
  const answered = (start: Date, seconds: number) => ({ answerTime: new Date(start.getTime() + 5_000), endTime: new Date(start.getTime() + 5_000 + seconds * 1000) });
  const start = (minutes: number) => minutesAgo(minutes);
  return documentsOf([
    leg({ uuid: 'leg-01', userId: '101', destinationNumber: '0671234567', startTime: start(10), ...answered(start(10), 60) }),
    leg({ uuid: 'leg-02', userId: '102', destinationNumber: '0671234567', startTime: start(40), ...answered(start(40), 120) }),
    leg({ uuid: 'leg-03', userId: '103', destinationNumber: '0441234567', startTime: start(5) }),
    leg({ uuid: 'leg-04', userId: '101', direction: 'inbound', destinationNumber: '101', callerIdNumber: '0671234567', startTime: start(3), ...answered(start(3), 30) }),
    leg({ uuid: 'leg-05', userId: '104', destinationNumber: '0501112233', startTime: start(90), ...answered(start(90), 240) }),
    leg({ uuid: 'leg-06', userId: '105', direction: 'internal', destinationNumber: '101', startTime: start(15) }),
    leg({ uuid: 'leg-07', userId: '102', destinationNumber: '0672223344', startTime: start(20), ...answered(start(20), 90) }),
    leg({ uuid: 'leg-08', userId: '103', domain: 'other.com', destinationNumber: '0671234567', startTime: start(2), ...answered(start(2), 10) }),
    leg({ uuid: 'leg-09', userId: '104', destinationNumber: '0441234567', startTime: start(25) }),
    leg({ uuid: 'leg-10', userId: '105', destinationNumber: '0931234567', startTime: start(55), ...answered(start(55), 600) }),
  ]);
}
