import type { Logger } from '../apps/app.js';
import type { BridgeEndpoint } from '../call/call.js';
import type { CdrSearcher } from '../cdr/store.js';
import { SimulatedClock } from '../clock.js';
import type { Directory, PhoneStateTracker } from '../directory/directory.js';
import type { CompiledSchema } from '../engine/compile.js';
import type { FlowRun, RunOptions } from '../engine/interpreter.js';
import { runOnDisconnect, runRouted, type RouteLookup, type RoutedResult } from '../engine/transfer.js';
import { AcrServices } from '../apps/services/acr-services.js';
import type { TraceSink } from '../engine/trace.js';
import { SimCall } from './sim-call.js';
import type { SimScenario, SimTargetOutcome } from './sim-scenario.js';

export interface Simulation {
  schema: CompiledSchema;
  scenario: SimScenario;
  directory: Directory;
  cdr: CdrSearcher;
  logger: Logger;
  /** "now" at the start of the call; the scenario's `now`, else the real time. */
  now?: Date;
  trace?: TraceSink;
  limits?: Pick<RunOptions, 'maxGotos' | 'maxSteps'>;
  /** Cache, limits, domain settings, mail and HTTP; a fresh set when absent. */
  acr?: AcrServices;
  /** The route tables `goto default:/public:` re-routes through; without them a transfer ends the trace. */
  routes?: RouteLookup;
}

export interface SimulationResult {
  flow: RoutedResult;
  call: SimCall;
  clock: SimulatedClock;
}

/** Runs a schema on a scripted call: the engine exactly as on a real call, the world from the scenario. */
export async function simulateCall(simulation: Simulation): Promise<SimulationResult> {
  const { scenario, directory } = simulation;
  const clock = new SimulatedClock(simulation.now ?? (scenario.now ? new Date(scenario.now) : new Date()));
  const domain = directory.domain(scenario.variables.domain_name ?? '') ?? first(directory.domains());
  const domainName = domain?.name ?? '';
  applyPhoneStates(directory.phoneState, domainName, scenario.phones);

  let run: FlowRun | undefined;
  const call = new SimCall({
    clock,
    scenario: { ...scenario, variables: { domain_name: domainName, ...scenario.variables } },
    defaultOutcome: (endpoint) => outcomeFromPhoneState(directory, domainName, endpoint),
    // Call events are notes of the trace: without one there is nobody to tell.
    narrate: simulation.trace ? (message) => run?.context.note(message) : undefined,
  });
  const options = {
    services: { directory, cdr: simulation.cdr, acr: simulation.acr ?? new AcrServices(), logger: simulation.logger },
    clock,
    trace: simulation.trace,
    ...simulation.limits,
    lookup: simulation.routes,
    domainOf: (name: string) => directory.domain(name),
    onRun: (next: FlowRun) => {
      run = next;
    },
  };
  const flow = await runRouted(call, { schema: simulation.schema, captures: [], domain: domainName, variables: {}, name: 'the traced schema' }, options);
  // The simulated call may still be up: its disconnected actions are what would run when it ends.
  await runOnDisconnect(call, flow, options);
  return { flow, call, clock };
}

/** A phone that is not registered cannot ring; one on DND is busy; any other rings until its timeout. */
function outcomeFromPhoneState(directory: Directory, domainName: string, endpoint: BridgeEndpoint): SimTargetOutcome {
  if (endpoint.type !== 'user') return { result: 'no-answer' };
  const domain = endpoint.domainName || domainName;
  if (!directory.user(domain, endpoint.name)) return { result: 'not-registered' };
  const state = directory.phoneState.state(domain, endpoint.name);
  if (state === 'nonreg') return { result: 'not-registered' };
  if (state === 'dnd') return { result: 'busy' };
  return { result: 'no-answer' };
}

/** Puts each phone in the scenario's state; one already in it is left as it is (its holds are not stacked again). */
function applyPhoneStates(phones: PhoneStateTracker, domain: string, states: SimScenario['phones']): void {
  for (const [userId, state] of Object.entries(states)) {
    if (phones.state(domain, userId) === state) continue;
    phones.setDnd(domain, userId, state === 'dnd');
    phones.setRegistrations(domain, userId, state === 'nonreg' ? 0 : 1);
    if (state === 'ringing') phones.beginRinging(domain, userId);
    if (state === 'isbusy') phones.beginCall(domain, userId);
  }
}

function first<T>(items: Iterable<T>): T | undefined {
  for (const item of items) return item;
  return undefined;
}
