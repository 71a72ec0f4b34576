/**
 * The router as bench:sip runs it: its own process, started exactly as
 * `npm start` starts it (`node bin/callrouter.js start --config …` on the
 * compiled dist/), on a configuration generated here. Its log (JSON lines, as
 * in production when stdout is not a terminal) goes to a file that is read
 * between steps for warnings. CPU, RSS and heap come from its own /metrics;
 * the live heap (after a full GC) through the inspector, which the bench
 * opens on a random loopback port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { open, readFile, truncate, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RouterConfigOptions {
  dir: string;
  sipPort: number;
  httpPort: number;
  logLevel: string;
  domain: string;
  users: readonly string[];
  passwordOf(user: string): string;
  gateway: { host: string; port: number };
  timeZone: string;
  /** Public number → schema (an array of applications or an absolute path). */
  routes: readonly { name: string; number: string; schema: unknown }[];
  /** cdr.limits of the configuration (the defaults when left out). */
  cdrLimits?: Record<string, number>;
  /** sip.calls of the configuration (admission limits; the defaults when left out). */
  sipCalls?: Record<string, unknown>;
  /** The process section of the configuration (heapLimitMB, semiSpaceMB; the defaults when left out). */
  process?: { heapLimitMB?: number; semiSpaceMB?: number };
  /** The media section (the defaults when left out). */
  media?: Record<string, unknown>;
}

/** Writes `<dir>/callrouter.json`; the data directory is `<dir>/data`. */
export async function writeRouterConfig(options: RouterConfigOptions): Promise<string> {
  const config = {
    sip: {
      listen: { address: '127.0.0.1', port: options.sipPort },
      transports: ['udp'],
      auth: { algorithms: ['MD5'] },
      ...(options.sipCalls ? { calls: options.sipCalls } : {}),
    },
    http: { address: '127.0.0.1', port: options.httpPort },
    ...(options.media ? { media: options.media } : {}),
    ...(options.process ? { process: options.process } : {}),
    dataDir: 'data',
    log: { level: options.logLevel },
    ...(options.cdrLimits ? { cdr: { limits: options.cdrLimits } } : {}),
    domains: [
      {
        name: options.domain,
        timeZone: options.timeZone,
        users: options.users.map((id) => ({ id, password: options.passwordOf(id) })),
        gateways: [{ name: 'carrier', host: options.gateway.host, port: options.gateway.port, transport: 'udp' }],
        routes: {
          nationalFormat: { countryCode: '380', trunkPrefix: '0' },
          public: options.routes.map((route) => ({ name: route.name, numbers: [route.number], schema: route.schema })),
        },
      },
    ],
  };
  const file = join(options.dir, 'callrouter.json');
  await writeFile(file, JSON.stringify(config, null, 1));
  return file;
}

/** What the router's /metrics says about its own process. */
export interface ProcessFigures {
  /** User + system CPU of the whole process (every thread). */
  cpuSeconds: number;
  /** The same by thread: main, each worker thread by name, runtime (GC and compiler helpers). Empty where /proc is missing. */
  threadCpuSeconds: Map<string, number>;
  rssBytes: number;
  heapUsedBytes: number;
}

export interface RouterProcess {
  readonly name: string;
  readonly sipPort: number;
  readonly httpPort: number;
  figures(): Promise<ProcessFigures>;
  /** 503 responses to INVITE sent so far, retransmissions included. */
  refusals(): Promise<number>;
  /** Calls in progress as the router counts them (answered or not), and of those not yet answered. */
  calls(): Promise<{ inProgress: number; inSetup: number }>;
  /** Heap in use right after a full garbage collection, and RSS then. */
  liveHeap(): Promise<{ heapUsedBytes: number; rssBytes: number }>;
  /** A V8 heap snapshot (after a full GC) into `file`, for a memory profile. */
  heapSnapshot(file: string): Promise<void>;
  /** Samples allocations, those collected since included, until `stop` writes them as a .heapprofile. */
  sampleAllocations(): Promise<{ stop(file: string): Promise<void> }>;
  /** Warnings and errors logged since the last call, by message (the log file is emptied). */
  takeWarnings(): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

export interface RouterProcessOptions {
  name: string;
  configFile: string;
  sipPort: number;
  httpPort: number;
  logFile: string;
  /** The launcher: bin/callrouter.js of this checkout, or of another one to compare with. */
  bin: string;
  /** More options for node, e.g. --cpu-prof to profile the router. */
  nodeArgs: readonly string[];
  /** Keep the whole log, to read after the run; otherwise each takeWarnings() empties it (at `info` a run logs gigabytes). */
  keepLog?: boolean;
}

export async function startRouterProcess(options: RouterProcessOptions): Promise<RouterProcess> {
  const { name, configFile, sipPort, httpPort, logFile } = options;
  const log = await open(logFile, 'a');
  /** How much of a kept log takeWarnings() has read. */
  let logRead = 0;
  let stderr = '';
  const child: ChildProcess = spawn(process.execPath, ['--inspect=127.0.0.1:0', ...options.nodeArgs, resolve(options.bin), 'start', '--config', configFile], {
    stdio: ['ignore', log.fd, 'pipe'],
    env: { ...withoutLogLevel(process.env), LOG_FORMAT: 'json' },
  });
  await log.close();
  child.stderr?.on('data', (data: Buffer) => (stderr = (stderr + data.toString('utf8')).slice(-20_000)));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const metricsUrl = `http://127.0.0.1:${httpPort}/metrics`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`router ${name} exited at start:\n${stderr}\n${(await readFile(logFile, 'utf8')).slice(-3_000)}`);
    if (Date.now() > deadline) throw new Error(`router ${name} did not answer ${metricsUrl} within 120 s`);
    if (await fetch(metricsUrl).then((response) => response.ok, () => false)) break;
    await sleep(250);
  }
  // The process that listens is the last to announce an inspector: with a heap limit the launcher re-executes itself.
  const inspectorUrl = [...stderr.matchAll(/Debugger listening on (ws:\/\/\S+)/g)].at(-1)?.[1];
  return {
    name,
    sipPort,
    httpPort,
    async figures() {
      const text = await (await fetch(metricsUrl)).text();
      const value = (metric: string) => Number(new RegExp(`^${metric} (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
      return {
        cpuSeconds: value('callrouter_process_cpu_seconds_total'),
        threadCpuSeconds: new Map([...text.matchAll(/^callrouter_thread_cpu_seconds_total\{thread="([^"]+)"\} (\S+)/gm)].map((match) => [match[1], Number(match[2])])),
        rssBytes: value('callrouter_process_resident_memory_bytes'),
        heapUsedBytes: value('callrouter_nodejs_heap_size_used_bytes'),
      };
    },
    async refusals() {
      const text = await (await fetch(metricsUrl)).text();
      return Number(/^callrouter_sip_responses_sent_total\{method="INVITE",status="503"\} (\S+)/m.exec(text)?.[1] ?? 0);
    },
    async calls() {
      const text = await (await fetch(metricsUrl)).text();
      const value = (metric: string) => Number(new RegExp(`^${metric} (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
      return { inProgress: value('callrouter_calls_in_progress'), inSetup: value('callrouter_calls_in_setup') };
    },
    async liveHeap() {
      if (!inspectorUrl) throw new Error(`router ${name}: no inspector address on its stderr`);
      const memory = await collectGarbageAndMeasure(inspectorUrl);
      return { heapUsedBytes: memory.heapUsed, rssBytes: memory.rss };
    },
    async heapSnapshot(file) {
      if (!inspectorUrl) throw new Error(`router ${name}: no inspector address on its stderr`);
      await writeHeapSnapshot(inspectorUrl, file);
    },
    async sampleAllocations() {
      if (!inspectorUrl) throw new Error(`router ${name}: no inspector address on its stderr`);
      return sampleAllocations(inspectorUrl);
    },
    async takeWarnings() {
      const kinds = new Map<string, number>();
      const whole = await readFile(logFile, 'latin1');
      const text = whole.slice(logRead);
      if (options.keepLog) logRead = whole.length;
      else await truncate(logFile, 0);
      for (const line of text.split('\n')) {
        if (!/"level":(40|50|60)/.test(line)) continue;
        const message = /"msg":"([^"]{0,120})/.exec(line)?.[1] ?? line.slice(0, 120);
        kinds.set(message, (kinds.get(message) ?? 0) + 1);
      }
      return kinds;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 40_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** The configuration's log.level counts, not a LOG_LEVEL the bench was started with. */
function withoutLogLevel(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { LOG_LEVEL: _ignored, ...rest } = env;
  return rest;
}

interface InspectorSession {
  call(method: string, params?: Record<string, unknown>): Promise<unknown>;
  /** Every event of `method` until the session closes. */
  onEvent(method: string, listener: (params: Record<string, unknown>) => void): void;
  close(): void;
}

/** Chrome DevTools protocol over the inspector's WebSocket (Node 20: --experimental-websocket in the bench's process). */
async function openInspector(url: string): Promise<InspectorSession> {
  const socket = new WebSocket(url);
  await new Promise((done, fail) => {
    socket.addEventListener('open', done, { once: true });
    socket.addEventListener('error', fail, { once: true });
  });
  let nextId = 1;
  const pending = new Map<number, (result: unknown) => void>();
  const listeners = new Map<string, (params: Record<string, unknown>) => void>();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; method?: string; params?: Record<string, unknown> };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
    else if (message.method) listeners.get(message.method)?.(message.params ?? {});
  });
  return {
    call: (method, params = {}) =>
      new Promise<unknown>((done) => {
        const id = nextId++;
        pending.set(id, done);
        socket.send(JSON.stringify({ id, method, params }));
      }),
    onEvent: (method, listener) => listeners.set(method, listener),
    close: () => socket.close(),
  };
}

async function collectGarbageAndMeasure(url: string): Promise<{ heapUsed: number; rss: number }> {
  const inspector = await openInspector(url);
  try {
    await inspector.call('HeapProfiler.collectGarbage');
    await inspector.call('HeapProfiler.collectGarbage');
    const result = (await inspector.call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true })) as { result: { value: string } };
    return JSON.parse(result.result.value) as { heapUsed: number; rss: number };
  } finally {
    inspector.close();
  }
}

async function writeHeapSnapshot(url: string, file: string): Promise<void> {
  const inspector = await openInspector(url);
  const chunks: string[] = [];
  inspector.onEvent('HeapProfiler.addHeapSnapshotChunk', (params) => chunks.push(String(params.chunk)));
  try {
    await inspector.call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    await writeFile(file, chunks.join(''));
  } finally {
    inspector.close();
  }
}

/** Every 16 kB allocated is sampled, garbage included, so the profile shows what makes the collector work. */
async function sampleAllocations(url: string): Promise<{ stop(file: string): Promise<void> }> {
  const inspector = await openInspector(url);
  await inspector.call('HeapProfiler.startSampling', { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return {
    async stop(file) {
      try {
        const { profile } = (await inspector.call('HeapProfiler.stopSampling')) as { profile: unknown };
        await writeFile(file, JSON.stringify(profile));
      } finally {
        inspector.close();
      }
    },
  };
}
