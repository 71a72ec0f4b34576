/**
 * A router on loopback with random ports and known passwords, started
 * in-process so tests can read the directory directly.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import pino, { type Logger } from 'pino';
import { startRouter, type RouterOptions, type RunningRouter } from '../../../src/server/router.js';
import { rtpPortsOfThisProcess } from '../media/rtp-ports.js';
import type { SippAccount } from './sipp.js';

export const DOMAIN = 'e2e.callrouter.test';

export function account(user: string, password = `secret-${user}`): SippAccount {
  return { user, domain: DOMAIN, password };
}

export interface TestRouter {
  router: RunningRouter;
  udpPort: number;
  tcpPort: number;
  close(): Promise<void>;
}

export interface TestRouterOptions {
  /** Overrides of sip.auth, e.g. low failure limits. */
  auth?: Record<string, unknown>;
  /** Extensions of the domain's users; each has the password `account(id)` gives. */
  users?: readonly string[];
  /** The domain's gateways, e.g. { name: 'carrier', host: '127.0.0.2', port }. */
  gateways?: readonly Record<string, unknown>[];
  /** The domain's routes ({ nationalFormat?, public: [...], default: [...] }); the config file lives in a temporary directory, so give schema paths absolute. */
  routes?: Record<string, unknown>;
  /** More fields of the domain (timeZone, allowAnonymousPublic, …), merged over the generated ones. */
  domain?: Record<string, unknown>;
  /** More fields of `sip`, merged over the generated ones. */
  sip?: Record<string, unknown>;
  /** More fields of `http` (`tls`), merged over the generated ones. */
  http?: Record<string, unknown>;
  logger?: Logger;
  /** The directory of the configuration and data, kept after close (a later router started on it is a restart). */
  dir?: string;
  /** What the router is started with beyond its configuration: a simulated clock, a trace sink. */
  router?: RouterOptions;
}

/** Registrations may be as short as 1 s. */
export async function startTestRouter(options: TestRouterOptions = {}): Promise<TestRouter> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'callrouter-e2e-')));
  const config = {
    sip: {
      listen: { address: '127.0.0.1', port: 0 },
      registration: { minExpires: 1 },
      auth: { algorithms: ['MD5'], ...options.auth },
      // Load shedding is for a router on its own machine: on a machine busy with other test files, datagrams wait in
      // the queue and the event loop lags past its limits, and a test's calls would be refused with 503. The
      // admission tests set their own limits.
      ...options.sip,
      calls: { maxEventLoopLagMs: 0, maxReceiveQueueMs: 0, ...(options.sip?.calls as Record<string, unknown> | undefined) },
    },
    http: { address: '127.0.0.1', port: 0, ...options.http },
    media: { rtpPorts: rtpPortsOfThisProcess() },
    dataDir: 'data',
    domains: [
      {
        name: DOMAIN,
        users: (options.users ?? ['100', '101', '102', '103']).map((id) => ({ id, password: account(id).password })),
        ...(options.gateways ? { gateways: options.gateways } : {}),
        ...(options.routes ? { routes: options.routes } : {}),
        ...options.domain,
      },
    ],
  };
  const file = join(dir, 'callrouter.json');
  await writeFile(file, JSON.stringify(config));
  const router = await startRouter(file, options.logger ?? testRouterLogger(dir), options.router);
  return {
    router,
    udpPort: router.sip.localAddress('udp')?.port ?? 0,
    tcpPort: router.sip.localAddress('tcp')?.port ?? 0,
    async close() {
      await router.stop();
      if (!options.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Silent, unless CALLROUTER_TEST_LOG names a folder: then each test router
 * logs to a file of its own there, at LOG_LEVEL (info; debug shows every SIP
 * message), to see why an end-to-end test failed — a call refused, a message
 * never sent.
 */
function testRouterLogger(routerDir: string): Logger {
  const folder = process.env.CALLROUTER_TEST_LOG;
  if (!folder) return pino({ level: 'silent' });
  return pino({ level: process.env.LOG_LEVEL ?? 'info' }, pino.destination({ dest: join(folder, `${basename(routerDir)}.log`), mkdir: true, sync: true }));
}
