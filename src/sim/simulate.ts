import type { Logger } from '../engine/app.js';
import type { BridgeEndpoint } from '../call/call.js';
import type { CallOrigin } from '../call/origin.js';
import type { CdrSearcher } from '../cdr/store.js';
import { SimulatedClock } from '../clock.js';
import type { Directory, PhoneStateTracker } from '../directory/directory.js';
import type { CompiledSchema } from '../engine/compile.js';
import { FlowRun, type FlowResult, type RunOptions } from '../engine/interpreter.js';
import type { TraceSink } from '../engine/trace.js';
import { prepareCall } from '../routes/prepare-call.js';
import type { RouteTable } from '../routes/route-table.js';
import { SimCall } from './sim-call.js';
import type { SimScenario, SimTargetOutcome } from './sim-scenario.js';

export interface Simulation {
  /** The schema to run; with `routing`, absent means the selected route's own. */
  schema?: CompiledSchema;
  scenario: SimScenario;
  directory: Directory;
  cdr: CdrSearcher;
  logger: Logger;
  /** "now" at the start of the call; the scenario's `now`, else the real time. */
  now?: Date;
  trace?: TraceSink;
  limits?: Pick<RunOptions, 'maxGotos' | 'maxSteps'>;
  /** Prepare the call for its route first, exactly as the SIP server does (`trace --config`). */
  routing?: { routes: RouteTable; origin: CallOrigin };
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
  const startDomain = directory.domain(scenario.variables.domain_name ?? '') ?? first(directory.domains());
  const domainOfCall = () => call.getVariable('domain_name') ?? '';

  let run: FlowRun | undefined;
  const call: SimCall = new SimCall({
    clock,
    scenario: { ...scenario, variables: { domain_name: startDomain?.name ?? '', ...scenario.variables } },
    defaultOutcome: (endpoint) => outcomeFromPhoneState(directory, domainOfCall(), endpoint),
    // Call events are notes of the trace: without one there is nobody to tell.
    narrate: simulation.trace ? (message) => run?.context.note(message) : undefined,
  });

  let schema = simulation.schema;
  let captures: readonly string[] = [];
  if (simulation.routing) {
    const selection = prepareCall(simulation.routing.routes, simulation.routing.origin, call);
    if (!selection.found) {
      await call.hangup('UNALLOCATED_NUMBER');
      const message = `call refused (UNALLOCATED_NUMBER): ${selection.reason}`;
      simulation.trace?.({ type: 'end', reason: 'call-ended', at: clock.now().toISOString(), steps: 0, message });
      return { flow: { reason: 'call-ended', steps: 0 }, call, clock };
    }
    schema ??= selection.route.schema;
    captures = selection.captures;
  }
  if (!schema) throw new Error('simulateCall: no schema to run and no route to take it from');
  applyPhoneStates(directory.phoneState, domainOfCall(), scenario.phones);

  run = new FlowRun(schema, call, {
    services: { directory, cdr: simulation.cdr, logger: simulation.logger },
    clock,
    domain: directory.domain(domainOfCall()) ?? startDomain,
    trace: simulation.trace,
    ...simulation.limits,
  });
  if (captures.length > 0) run.context.replaceCaptures([captures]);
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
