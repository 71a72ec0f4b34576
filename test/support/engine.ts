import assert from 'node:assert/strict';
import { mock } from 'node:test';
import type { z } from 'zod';
import type { Logger } from '../../src/engine/app.js';
import type { CdrSearcher, SearchHit } from '../../src/cdr/store.js';
import { domainConfig } from '../../src/config/schema.js';
import { ConfigDirectory } from '../../src/directory/config-directory.js';
import { appRegistry } from '../../src/apps/registry.js';
import { SchemaLoader, type CompiledSchema } from '../../src/engine/compile.js';
import type { SchemaError } from '../../src/engine/schema-error.js';
import type { EndTrace, StepTrace, TraceEvent } from '../../src/engine/trace.js';
import type { BridgePlan } from '../../src/call/call.js';
import { SimCall } from '../../src/sim/sim-call.js';
import { simScenario } from '../../src/sim/sim-scenario.js';
import { simulateCall, type SimulationResult } from '../../src/sim/simulate.js';
import type { AcrServices } from '../../src/apps/services/acr-services.js';
import type { RouteLookup } from '../../src/engine/transfer.js';

/** The router's own applications, as `start` and `trace` load schemas. */
export const schemaLoader = new SchemaLoader(appRegistry);

/** A Tuesday, 12:30 in Kyiv. */
export const TEST_NOW = new Date('2026-11-24T10:30:00Z');
export const TEST_DOMAIN = 'example.com';

type DomainInput = z.input<typeof domainConfig>;

/** example.com in Kyiv with users 100, 101 and 102; `overrides` replace whole fields. */
export function testDomain(overrides: Partial<DomainInput> = {}): DomainInput {
  return {
    name: TEST_DOMAIN,
    timeZone: 'Europe/Kyiv',
    users: ['100', '101', '102'].map((id) => ({ id, name: `Agent ${id}`, password: 'secret', variables: { team: 'sales' } })),
    ...overrides,
  };
}

export function testDirectory(domains: DomainInput[] = [testDomain()]): ConfigDirectory {
  return new ConfigDirectory(domains.map((domain) => domainConfig.parse(domain)));
}

/** A CDR store that answers every search with these hits. */
export function searcherWith(hits: SearchHit[]): CdrSearcher {
  return {
    async search() {
      return {
        took: 0,
        timed_out: false,
        _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
        hits: { total: { value: hits.length, relation: 'eq' }, max_score: null, hits },
      };
    },
    async lastAgents() {
      return { agents: [], considered: [], truncated: false };
    },
  };
}

export const emptyCdr = searcherWith([]);

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: object;
  message?: string;
}

/** A logger that keeps what it is told, so tests can see warnings. */
export class RecordingLogger implements Logger {
  readonly lines: LogLine[] = [];
  debug(fields: object, message?: string) { this.lines.push({ level: 'debug', fields, message }); }
  info(fields: object, message?: string) { this.lines.push({ level: 'info', fields, message }); }
  warn(fields: object, message?: string) { this.lines.push({ level: 'warn', fields, message }); }
  error(fields: object, message?: string) { this.lines.push({ level: 'error', fields, message }); }

  get warnings(): LogLine[] {
    return this.lines.filter((line) => line.level === 'warn');
  }
}

export interface RunOptions {
  directory?: ConfigDirectory;
  now?: Date;
  cdr?: CdrSearcher;
  /** Cache, limits, domain settings (black lists, mail, webhooks) and HTTP; a fresh set when absent. */
  acr?: AcrServices;
  /** Route tables for `goto default:/public:`. */
  routes?: RouteLookup;
}

export interface SchemaRun extends SimulationResult {
  steps: StepTrace[];
  end: EndTrace;
  logger: RecordingLogger;
  /** Simulated milliseconds the whole flow took. */
  elapsedMs: number;
}

/** Loads `schema` (it must be valid) and runs it on a simulated call of example.com. */
export async function runSchema(
  schema: unknown,
  scenario: z.input<typeof simScenario> = {},
  options: RunOptions = {},
): Promise<SchemaRun> {
  const compiled = loadValid(schema);
  const events: TraceEvent[] = [];
  const logger = new RecordingLogger();
  const parsed = simScenario.parse(scenario);
  const now = options.now ?? TEST_NOW;
  const result = await simulateCall({
    schema: compiled,
    scenario: { ...parsed, variables: { domain_name: TEST_DOMAIN, ...parsed.variables } },
    directory: options.directory ?? testDirectory(),
    cdr: options.cdr ?? emptyCdr,
    logger,
    now,
    trace: (event) => events.push(event),
    acr: options.acr,
    routes: options.routes,
    schemas: schemaLoader,
  });
  const steps = events.filter((event): event is StepTrace => event.type === 'step');
  // After transfers, the end of the last schema that ran.
  const end = events.filter((event): event is EndTrace => event.type === 'end').at(-1)!;
  return { ...result, steps, end, logger, elapsedMs: result.clock.now().getTime() - now.getTime() };
}

/** Runs a one-application schema and returns its step. */
export async function runApp(app: object, scenario: z.input<typeof simScenario> = {}, options: RunOptions = {}) {
  const run = await runSchema([app], scenario, options);
  assert.equal(run.steps.length, 1, 'expected exactly one step');
  return { ...run, step: run.steps[0] };
}

/** The errors of a schema that must not load. */
export function loadErrors(schema: unknown): SchemaError[] {
  const loaded = schemaLoader.load(schema);
  assert.ok(!loaded.ok, 'expected the schema to be rejected');
  return loaded.errors;
}

/** Loads a schema that must be valid; fails the test with its errors otherwise. */
export function loadValid(schema: unknown): CompiledSchema {
  const loaded = schemaLoader.load(schema);
  assert.ok(loaded.ok, `schema did not load: ${loaded.ok ? '' : JSON.stringify(loaded.errors)}`);
  return loaded.schema;
}

/** Records what each `bridge` asked the simulated call for, still ringing the simulated targets. */
export function spyOnBridge() {
  const spy = mock.method(SimCall.prototype, 'bridge');
  return {
    plans: () => spy.mock.calls.map((call) => call.arguments[0] as BridgePlan),
    [Symbol.dispose]: () => spy.mock.restore(),
  };
}
