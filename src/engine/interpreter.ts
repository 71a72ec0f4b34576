import type { AppOutcome, AppSpec, ScheduledAction, Services, TransferRequest } from './app.js';
import { Later, settle, type Continuation } from '../call/continuation.js';
import type { Call } from '../call/call.js';
import { callEndReason } from '../call/call-end.js';
import type { Clock } from '../clock.js';
import type { Domain } from '../directory/directory.js';
import type { CompiledSchema } from './compile.js';
import type { Flow, FlowPosition, Step } from './flow.js';
import { FlowContext } from './flow-context.js';
import { renderJsonTemplate } from './json-template.js';
import type { FlowEndReason, StepTrace, TraceSink } from './trace.js';

export interface RunOptions {
  services: Services;
  /** The call's clock: simulated for SimCall. */
  clock: Clock;
  domain?: Domain;
  trace?: TraceSink;
  /** At most this many `goto` jumps per call (the original's limit is 100). */
  maxGotos?: number;
  /** At most this many applications per call, so no schema can spin. */
  maxSteps?: number;
  /** The flow runs after the call ended (`trigger` disconnected actions): the end of the call does not stop it. */
  afterHangup?: boolean;
}

export interface FlowResult {
  reason: FlowEndReason;
  steps: number;
  /** reason `transfer`: where the call is to be routed next. */
  transfer?: TransferRequest;
}

const DEFAULT_MAX_GOTOS = 100;
/** A step record's variables and notes until the step ends: never seen outside the run. */
const NONE_YET: Record<string, string> = Object.freeze({});
const NO_NOTES_YET = Object.freeze([]) as unknown as string[];
const DEFAULT_MAX_STEPS = 1000;
/** `execute` inside `execute`…: deeper than this is a runaway recursion. */
const MAX_CALL_DEPTH = 64;

/**
 * Runs a compiled schema on one call. A failing app is logged and traced and
 * the flow goes on; the flow stops when the call ends, at `break`, when an app
 * ends it, or at the goto/step limits.
 *
 * No async function: a step that waits (a bridge: the whole conversation)
 * resumes the run through its methods (`resolve`, `reject`), so the run's
 * state lives in its fields rather than in a suspended frame and its promises.
 * Each step resumes a microtask after its outcome, as an `await` of it would.
 */
export class FlowRun implements Continuation<AppOutcome> {
  readonly context: FlowContext;
  #steps = 0;
  #gotos = 0;
  #entry: Flow;
  #position: FlowPosition;
  /** Where the run's result goes, while it runs. */
  #to: Continuation<FlowResult> | undefined;
  /** The step whose app runs, or the scheduled action that fires (`due`), until its outcome resumes the run. */
  #waitingOn: Step | ScheduledAction | undefined;
  /** A `Later` outcome is being started: one that comes meanwhile resumes the run a microtask later, not inside the start. */
  #starting = false;

  constructor(
    private readonly schema: CompiledSchema,
    private readonly call: Call,
    private readonly options: RunOptions,
  ) {
    this.context = new FlowContext(call, options.services, options.clock, options.domain, schema.commands);
    this.#entry = schema.root;
    this.#position = { flow: schema.root, index: 0 };
  }

  /** Sub-flows being run by `execute`/`while`, innermost last, with where each returns to. */
  readonly #returns: { flow: Flow; resume: FlowPosition }[] = [];

  /** Runs the schema, or only `entry` (a flow inside it, such as `trigger`'s disconnected actions). */
  run(entry: Flow = this.schema.root): Promise<FlowResult> {
    return new Promise((resolve, reject) => this.start({ resolve, reject }, entry));
  }

  /** Runs the schema (or `entry`), its result going to `to`: what waits on the run holds no promise. */
  start(to: Continuation<FlowResult>, entry: Flow = this.schema.root): void {
    this.#entry = entry;
    this.#position = { flow: entry, index: 0 };
    this.#to = to;
    this.#advance(undefined);
  }

  /** The outcome of the step that ran (or of the scheduled action that fired): the run goes on. */
  resolve(outcome: AppOutcome): void {
    if (this.#starting) queueMicrotask(() => this.resolve(outcome));
    else this.#advance({ outcome });
  }

  /** The step that ran failed (or the scheduled action did). */
  reject(error: unknown): void {
    if (this.#starting) queueMicrotask(() => this.reject(error));
    else this.#advance({ error });
  }

  /** Goes on from what the awaited step (if any) came to, until a step waits or the flow ends. */
  #advance(came: { outcome: AppOutcome } | { error: unknown } | undefined): void {
    const to = this.#to;
    // Over, or a wait's outcome that came twice.
    if (!to || (came && !this.#waitingOn)) return;
    let result: FlowResult | undefined;
    try {
      result = came ? this.#afterWait(came) : undefined;
      result ??= this.#runUntilWait();
    } catch (error) {
      this.#to = undefined;
      return to.reject(error);
    }
    if (result) {
      this.#to = undefined;
      to.resolve(result);
    }
  }

  /** What the step (or scheduled action) waited on came to: where the flow goes next, or its result when it ended. */
  #afterWait(came: { outcome: AppOutcome } | { error: unknown }): FlowResult | undefined {
    const waited = this.#waitingOn!;
    this.#waitingOn = undefined;
    if (!('app' in waited)) {
      if ('error' in came) throw came.error;
      if (waited.outcome === 'end') return this.#end('ended-by-app', `scheduled: ${waited.description}`);
      const { context, destination } = waited.outcome.transfer;
      return { ...this.#end('transfer', `scheduled: transferred to ${context}:${destination}`), transfer: waited.outcome.transfer };
    }
    let outcome: AppOutcome;
    if ('error' in came) {
      this.#fail(waited, errorMessage(came.error));
      outcome = undefined;
    } else {
      outcome = came.outcome;
    }
    return this.#afterStep(waited, outcome);
  }

  /** Where the flow goes after a step: its result when the step ended it. */
  #afterStep(step: Step, outcome: AppOutcome): FlowResult | undefined {
    const { flow, index } = this.#position;
    if (this.#current) this.#current.result = outcome?.result;
    const next = outcome?.next;
    let target: FlowPosition | undefined;
    if (typeof next === 'object' && 'goto' in next) {
      target = this.schema.tags.get(next.goto);
      if (!target) this.#fail(step, `no application has tag "${next.goto}"; the flow goes on`);
    }
    let called: Flow | undefined;
    if (typeof next === 'object' && 'execute' in next) {
      called = this.schema.functions.get(next.execute);
      if (!called) this.#fail(step, `no function "${next.execute}"; the flow goes on`);
      else if (this.#current) this.#current.result = `runs ${next.execute}`;
    }
    this.#emitStep();
    if (next === 'end') return this.#end('ended-by-app');
    if (typeof next === 'object' && 'transfer' in next) {
      const { context, destination } = next.transfer;
      return { ...this.#end('transfer', `transferred to ${context}:${destination}`), transfer: next.transfer };
    }
    if (step.break) return this.#end('break');
    if (typeof next === 'object' && 'execute' in next) {
      if (!called) this.#position = { flow, index: index + 1 };
      else if (this.#returns.length >= MAX_CALL_DEPTH) return this.#end('step-limit', `functions nested more than ${MAX_CALL_DEPTH} deep`);
      else {
        this.#returns.push({ flow: called, resume: { flow, index: index + 1 } });
        this.#position = { flow: called, index: 0 };
      }
    } else if (next === undefined || (typeof next === 'object' && 'goto' in next && !target)) {
      this.#position = { flow, index: index + 1 };
    } else if (typeof next === 'object' && 'enter' in next) {
      this.#position = { flow: next.enter, index: 0 };
    } else if (typeof next === 'object' && 'call' in next) {
      if (this.#returns.length >= MAX_CALL_DEPTH) return this.#end('step-limit', `sub-flows nested more than ${MAX_CALL_DEPTH} deep`);
      this.#returns.push({ flow: next.call, resume: { flow, index: next.resume === 'self' ? index : index + 1 } });
      this.#position = { flow: next.call, index: 0 };
    } else if (++this.#gotos > (this.options.maxGotos ?? DEFAULT_MAX_GOTOS)) {
      return this.#end('goto-limit', `more than ${this.options.maxGotos ?? DEFAULT_MAX_GOTOS} goto jumps`);
    } else {
      this.#position = target!;
    }
    return undefined;
  }

  /** Moves through the flow to the next step and starts its app (or fires a scheduled action that is due); the flow's result when it ended instead. */
  #runUntilWait(): FlowResult | undefined {
    for (;;) {
      if (this.call.state === 'ended' && !this.options.afterHangup) return this.#end('call-ended');
      const { flow, index } = this.#position;
      if (index >= flow.steps.length) {
        const called = this.#returns.at(-1);
        if (called?.flow === flow) {
          this.#position = called.resume;
          this.#returns.pop();
          continue;
        }
        if (!flow.parent || flow === this.#entry) return this.#end('completed');
        this.#position = { flow: flow.parent.flow, index: flow.parent.index + 1 };
        continue;
      }
      if (++this.#steps > (this.options.maxSteps ?? DEFAULT_MAX_STEPS)) {
        return this.#end('step-limit', `more than ${this.options.maxSteps ?? DEFAULT_MAX_STEPS} applications ran`);
      }
      const due = this.context.takeDueAction(this.options.clock.now());
      if (due) {
        this.options.services.logger.info({ uuid: this.call.uuid, action: due.description }, 'scheduled action due');
        this.#waitingOn = due;
        settle(due.fire(), this);
        return undefined;
      }
      const step = flow.steps[index];
      this.#startStep(step);
      this.#waitingOn = step;
      let ran: ReturnType<AppSpec<unknown, unknown>['run']>;
      try {
        ran = this.#runStep(step);
      } catch (error) {
        this.#fail(step, errorMessage(error));
        ran = undefined;
      }
      this.#wait(ran);
      return undefined;
    }
  }

  /** The step's outcome resumes the run: now (a microtask later, as `await` does), when its promise settles, or when its `Later` comes. */
  #wait(ran: ReturnType<AppSpec<unknown, unknown>['run']>): void {
    if (ran instanceof Later) {
      this.#starting = true;
      try {
        ran.start(this);
      } catch (error) {
        // As a promise the app returned would have rejected: the step failed, the flow goes on.
        this.reject(error);
      } finally {
        this.#starting = false;
      }
    } else if (isPromise(ran)) {
      settle(ran, this);
    } else {
      queueMicrotask(() => this.resolve(ran));
    }
  }

  /**
   * The traced step in progress. Its `at`, variables and notes are written when it ends: until then they would be a
   * string (from a Date, another object) and an empty object and array for as long as the step runs — a bridge, the
   * whole conversation.
   */
  #current: StepTrace | undefined;
  #startedMs = 0;

  /** The step's trace record, when tracing; the variables and notes apps add are gathered by the context meanwhile. */
  #startStep(step: Step): void {
    const tracing = this.options.trace !== undefined;
    if (tracing) this.#startedMs = this.options.clock.now().getTime();
    const record: StepTrace | undefined = tracing
      ? {
          type: 'step',
          path: step.path,
          app: step.app.name,
          // Filled in when the step runs (#runStep), its arguments substituted once for the trace and the app alike.
          args: undefined,
          // Filled in when the step ends (FlowContext makes them at the first variable or note); here for the fields' order.
          variables: NONE_YET,
          notes: NO_NOTES_YET,
          at: '',
          tookMs: 0,
        }
      : undefined;
    this.#current = record;
    this.context.tracingStep = tracing;
    this.context.stepVariables = undefined;
    this.context.stepNotes = undefined;
  }

  /** Runs the step's app; one marked async is started, not awaited: only its failure is worth a log line. */
  #runStep(step: Step): ReturnType<AppSpec<unknown, unknown>['run']> {
    const { app } = step;
    const substituted = app.substitute?.(step.args, this.context);
    if (this.#current) this.#current.args = app.traceArgs ? app.traceArgs(step.args, this.context, substituted) : renderJsonTemplate(step.written!, this.context);
    if (!step.async) return app.run(this.context, step.args, substituted);
    Promise.resolve()
      .then(() => app.run(this.context, step.args, substituted))
      .catch((error: unknown) => this.#logFailure(step, errorMessage(error)));
    return { result: 'started asynchronously' };
  }

  #emitStep(): void {
    const record = this.#current;
    if (!record) return;
    record.variables = this.context.stepVariables ?? {};
    record.notes = this.context.stepNotes ?? [];
    record.at = isoTime(this.#startedMs);
    record.tookMs = this.options.clock.now().getTime() - this.#startedMs;
    this.#current = undefined;
    this.options.trace!(record);
  }

  /** A failed step is logged, marked in its trace, and the flow goes on. */
  #fail(step: Step, message: string): void {
    this.#logFailure(step, message);
    if (this.#current) this.#current.error = message;
  }

  #logFailure(step: Step, message: string): void {
    this.options.services.logger.warn(
      { uuid: this.call.uuid, path: step.path, app: step.app.name, error: message },
      'application failed; the flow goes on',
    );
  }

  #end(reason: FlowEndReason, message?: string): FlowResult {
    if (message) {
      const log = this.options.services.logger;
      (reason === 'transfer' ? log.info : log.warn).call(log, { uuid: this.call.uuid, reason }, message);
    }
    const callEnd = callEndReason(this.call);
    this.options.trace?.({
      type: 'end',
      reason,
      ...(callEnd ? { callEnd } : {}),
      at: isoTime(this.options.clock.now().getTime()),
      steps: this.#steps,
      message,
    });
    return { reason, steps: this.#steps };
  }
}

/** The last time written, and how: the steps of a flow (and of the calls running with it) mostly start within one millisecond. */
let writtenMs = Number.NaN;
let writtenIso = '';

function isoTime(ms: number): string {
  if (ms !== writtenMs) {
    writtenIso = new Date(ms).toISOString();
    writtenMs = ms;
  }
  return writtenIso;
}

function isPromise(ran: ReturnType<AppSpec<unknown, unknown>['run']>): ran is Promise<AppOutcome> {
  return typeof (ran as Partial<PromiseLike<unknown>> | undefined)?.then === 'function';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
