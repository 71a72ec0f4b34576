import type { Logger } from '../engine/app.js';
import type { BridgeEndpoint } from '../call/call.js';
import type { CdrSearcher } from '../cdr/store.js';
import { SimulatedClock } from '../clock.js';
import type { Directory, PhoneStateTracker } from '../directory/directory.js';
import type { CompiledSchema } from '../engine/compile.js';
import { FlowRun, type FlowResult, type RunOptions } from '../engine/interpreter.js';
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
}

export interface SimulationResult {
  flow: FlowResult;
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
  run = new FlowRun(simulation.schema, call, {
    services: { directory, cdr: simulation.cdr, logger: simulation.logger },
    clock,
    domain,
    trace: simulation.trace,
    ...simulation.limits,
  });
  const flow = await run.run();
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
