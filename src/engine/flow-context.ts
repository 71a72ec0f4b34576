import type { AppContext, ScheduledAction, Services } from './app.js';
import { ARRAY_PREFIX, ARRAY_SEPARATOR } from './channel-array.js';
import { FREESWITCH_GLOBALS } from './freeswitch-globals.js';
import { resourceExists } from './resource-exists.js';
import type { Call } from '../call/call.js';
import type { Clock } from '../clock.js';
import type { Domain } from '../directory/directory.js';
import type { ExpressionEnv } from './expr/index.js';
import type { Flow } from './flow.js';
import type { Template, VariableSource } from './template.js';

/** The context apps see: one per call, living as long as its flow. */
export class FlowContext implements AppContext, VariableSource {
  readonly variables: VariableSource = this;
  readonly domainName: string;
  readonly timeZone: string;
  /** The current step is traced: what it sets and notes is kept for its trace. */
  tracingStep = false;
  /** Variables set during the current step, for its trace: made at the first, as most steps set none and a bridge's lasts the conversation. */
  stepVariables: Record<string, string> | undefined;
  /** Notes of the current step, for its trace: made at the first, as stepVariables. */
  stepNotes: string[] | undefined;

  readonly #domainVariables: Map<string, string>;
  /** Made by the first export: most flows have none, and an empty Map's table (a Set's too) would last the whole call. */
  #exportedValues: Map<string, string> | undefined;
  #exportedNames: Set<string> | undefined;
  #captures: (readonly string[])[] = [];

  constructor(
    readonly call: Call,
    readonly services: Services,
    readonly clock: Clock,
    domain: Domain | undefined,
    private readonly commands: ReadonlyMap<string, Flow> = new Map(),
  ) {
    this.domainName = call.getVariable('domain_name') ?? domain?.name ?? '';
    this.timeZone = domain?.timeZone ?? 'UTC';
    this.#domainVariables = domain?.variables ?? new Map();
  }

  channel(name: string): string | undefined {
    const value = this.call.getVariable(name);
    if (value !== undefined || !name.endsWith(']')) return value;
    return arrayElement(this.call, name);
  }

  global(name: string): string | undefined {
    return this.#domainVariables.get(name) ?? FREESWITCH_GLOBALS.get(name);
  }

  capture(reg: number, group: number): string | undefined {
    return this.#captures[reg]?.[group];
  }

  expand(template: Template, escape?: (value: string) => string): string {
    return template.isConstant ? template.text : template.render(this, escape);
  }

  setVariable(name: string, value: string): void {
    this.call.setVariable(name, value);
    if (this.tracingStep) (this.stepVariables ??= {})[name] = value;
  }

  unsetVariable(name: string): void {
    this.call.unsetVariable(name);
    if (this.tracingStep) (this.stepVariables ??= {})[name] = '';
  }

  setDomainVariable(name: string, value: string): void {
    this.#domainVariables.set(name, value);
    if (this.tracingStep) (this.stepVariables ??= {})[`domain:${name}`] = value;
  }

  exportVariable(name: string, value: string, mode: 'all' | 'nolocal'): void {
    (this.#exportedValues ??= new Map()).set(name, value);
    if (mode === 'all') this.setVariable(name, value);
  }

  exportVariableByName(name: string): void {
    (this.#exportedNames ??= new Set()).add(name);
  }

  /**
   * A transferred call's new flow takes the exports of the one it left: as
   * on FreeSWITCH, where exports are the channel's (`export_vars`), not the
   * dialplan's, a bridge after a `goto default:<n>` still hands them on.
   */
  inheritExports(previous: FlowContext): void {
    if (previous.#exportedValues) this.#exportedValues = new Map([...(this.#exportedValues ?? []), ...previous.#exportedValues]);
    if (previous.#exportedNames) this.#exportedNames = new Set([...(this.#exportedNames ?? []), ...previous.#exportedNames]);
  }

  exportedVariables(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of this.#exportedNames ?? []) out[name] = this.call.getVariable(name) ?? '';
    for (const [name, value] of this.#exportedValues ?? []) out[name] = value;
    return out;
  }

  expressionEnv(): ExpressionEnv {
    return new EvaluationEnv(this);
  }

  /** The captures of an `if` that matched replace those of earlier ones. */
  replaceCaptures(captures: (readonly string[])[]): void {
    this.#captures = captures;
  }

  triggerCommand(input: string): Flow | undefined {
    return this.commands.get(input);
  }

  log(message: string): void {
    this.services.logger.info({ uuid: this.call.uuid, message }, 'schema log');
    this.note(message);
  }

  #scheduled: ScheduledAction | undefined;

  schedule(action: ScheduledAction): void {
    this.#scheduled = action;
  }

  /** The scheduled action whose time has come, taken off the schedule. */
  takeDueAction(now: Date): ScheduledAction | undefined {
    const action = this.#scheduled;
    if (!action || action.at.getTime() > now.getTime()) return undefined;
    this.#scheduled = undefined;
    return action;
  }

  note(message: string): void {
    if (this.tracingStep) (this.stepNotes ??= []).push(message);
  }
}

/** `${name[N]}`: element N of a FreeSWITCH array variable (`ARRAY::a|:b`); a plain value is element 0. */
function arrayElement(call: Call, reference: string): string | undefined {
  const match = /^(.+)\[(\d+)\]$/.exec(reference);
  if (!match) return undefined;
  const value = call.getVariable(match[1]);
  if (value === undefined) return undefined;
  const index = Number(match[2]);
  if (!value.startsWith(ARRAY_PREFIX)) return index === 0 ? value : undefined;
  return value.slice(ARRAY_PREFIX.length).split(ARRAY_SEPARATOR)[index];
}

/**
 * What one `if` evaluation sees of its flow. A class, not an object of
 * closures, because every call evaluates: one small allocation each time.
 */
class EvaluationEnv implements ExpressionEnv {
  #now: Date | undefined;
  /** Set at this evaluation's first match; until then the captures of an earlier `if` stay readable. */
  #captures: (readonly string[])[] | undefined;

  constructor(private readonly context: FlowContext) {}

  channel(name: string): string | undefined {
    return this.context.channel(name);
  }

  global(name: string): string | undefined {
    return this.context.global(name);
  }

  capture(reg: number, group: number): string | undefined {
    return this.context.capture(reg, group);
  }

  /** Read on first use (most expressions never ask), then fixed for the evaluation. */
  get now(): Date {
    return (this.#now ??= this.context.clock.now());
  }

  get timeZone(): string {
    return this.context.timeZone;
  }

  setCaptures(reg: number, captures: readonly string[]): void {
    if (!this.#captures) {
      this.#captures = [];
      this.context.replaceCaptures(this.#captures);
    }
    this.#captures[reg] = captures;
  }

  /** `&exists(account, 1000)`, `&exists("101")`, `&exists("101@example.com")`: is there such a resource. */
  exists(text: string): boolean {
    return resourceExists(this.context.services.directory, this.context.domainName, text);
  }

  /** `&limit(name)`: calls of the domain holding that counter now (the `limit` application). */
  usage(name: string): number {
    return this.context.services.counters.usage(this.context.domainName, name);
  }
}
