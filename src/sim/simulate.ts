import type { Logger, Services } from '../engine/app.js';
import type { BridgeEndpoint } from '../call/call.js';
import type { CallOrigin } from '../call/origin.js';
import type { CdrSearcher } from '../cdr/store.js';
import { SimulatedClock } from '../clock.js';
import type { AccountState, Directory, PhoneStateTracker } from '../directory/directory.js';
import type { CompiledSchema } from '../engine/compile.js';
import type { FlowRun, RunOptions } from '../engine/interpreter.js';
import { runOnDisconnect, runRouted, type RouteLookup, type RoutedResult } from '../engine/transfer.js';
import { AcrServices } from '../apps/services/acr-services.js';
import { transferLookup } from '../routes/transfer-lookup.js';
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
  /** Cache, limit counters, domain settings, mail and HTTP; a fresh set when absent. */
  acr?: AcrServices;
  /** Where `goto default:/public:` re-routes; `routing`'s tables when absent; without either a transfer ends the trace. */
  routes?: RouteLookup;
  /** Validates schemas that arrive during the call (`httpApi`); without it they are refused. */
  schemas?: Services['schemas'];
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
      return { flow: { reason: 'call-ended', steps: 0, transfers: 0 }, call, clock };
    }
    schema ??= selection.route.schema;
    captures = selection.captures;
  }
  if (!schema) throw new Error('simulateCall: no schema to run and no route to take it from');
  const setPhone = scenarioPhones(directory.phoneState, domainOfCall());
  for (const [userId, state] of Object.entries(scenario.phones)) setPhone(userId, state);
  for (const change of scenario.phoneChanges) {
    clock.setTimer(change.after * 1000, () => {
      setPhone(change.user, change.state);
      run?.context.note(`phone ${change.user} is now ${change.state}`);
    });
  }

  const acr = simulation.acr ?? new AcrServices();
  const options = {
    services: { directory, cdr: simulation.cdr, logger: simulation.logger, acr, counters: acr.limits, schemas: simulation.schemas ?? NO_SCHEMAS },
    clock,
    trace: simulation.trace,
    ...simulation.limits,
    lookup: simulation.routes ?? (simulation.routing && transferLookup(simulation.routing.routes)),
    domainOf: (name: string) => directory.domain(name) ?? (name === startDomain?.name ? startDomain : undefined),
    onRun: (next: FlowRun) => {
      run = next;
    },
  };
  const route = { schema, captures, domain: domainOfCall() || (startDomain?.name ?? ''), variables: {}, name: 'the traced schema' };
  const flow = await runRouted(call, route, options);
  // The simulated call may still be up: its disconnected actions are what would run when it ends.
  await runOnDisconnect(call, flow, options);
  return { flow, call, clock };
}

const NO_SCHEMAS: Services['schemas'] = {
  load: () => ({ ok: false, errors: [{ path: '(schema)', message: 'this simulation was given no schema loader' }] }),
};

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

/**
 * Puts a phone in the scenario's state; one already in it is left as it is (its holds are not stacked again).
 * A later change releases the ringing or call the scenario held for that phone.
 */
function scenarioPhones(phones: PhoneStateTracker, domain: string): (userId: string, state: AccountState) => void {
  const holds = new Map<string, () => void>();
  return (userId, state) => {
    if (phones.state(domain, userId) === state) return;
    holds.get(userId)?.();
    holds.delete(userId);
    phones.setDnd(domain, userId, state === 'dnd');
    phones.setRegistrations(domain, userId, state === 'nonreg' ? 0 : 1);
    if (state === 'ringing') holds.set(userId, phones.beginRinging(domain, userId));
    if (state === 'isbusy') holds.set(userId, phones.beginCall(domain, userId));
  };
}

function first<T>(items: Iterable<T>): T | undefined {
  for (const item of items) return item;
  return undefined;
}
