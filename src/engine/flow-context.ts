import type { AppContext, Services } from './app.js';
import { parseUserRef } from '../directory/user-ref.js';
import type { Call } from '../call/call.js';
import type { Clock } from '../clock.js';
import type { Domain } from '../directory/directory.js';
import type { ExpressionEnv } from './expr/index.js';
import type { Template, VariableSource } from './template.js';

/** The context apps see: one per call, living as long as its flow. */
export class FlowContext implements AppContext, VariableSource {
  readonly variables: VariableSource = this;
  readonly domainName: string;
  readonly timeZone: string;
  /** Variables set during the current step, for its trace; undefined when not tracing. */
  stepVariables: Record<string, string> | undefined;
  /** Notes of the current step, for its trace; undefined when not tracing. */
  stepNotes: string[] | undefined;

  readonly #domainVariables: Map<string, string>;
  readonly #exportedValues = new Map<string, string>();
  readonly #exportedNames = new Set<string>();
  #captures: (readonly string[])[] = [];

  constructor(
    readonly call: Call,
    readonly services: Services,
    readonly clock: Clock,
    domain: Domain | undefined,
  ) {
    this.domainName = call.getVariable('domain_name') ?? domain?.name ?? '';
    this.timeZone = domain?.timeZone ?? 'UTC';
    this.#domainVariables = domain?.variables ?? new Map();
  }

  channel(name: string): string | undefined {
    return this.call.getVariable(name);
  }

  global(name: string): string | undefined {
    return this.#domainVariables.get(name);
  }

  capture(reg: number, group: number): string | undefined {
    return this.#captures[reg]?.[group];
  }

  expand(template: Template, escape?: (value: string) => string): string {
    return template.isConstant ? template.text : template.render(this, escape);
  }

  setVariable(name: string, value: string): void {
    this.call.setVariable(name, value);
    if (this.stepVariables) this.stepVariables[name] = value;
  }

  unsetVariable(name: string): void {
    this.call.unsetVariable(name);
    if (this.stepVariables) this.stepVariables[name] = '';
  }

  setDomainVariable(name: string, value: string): void {
    this.#domainVariables.set(name, value);
    if (this.stepVariables) this.stepVariables[`domain:${name}`] = value;
  }

  exportVariable(name: string, value: string, mode: 'all' | 'nolocal'): void {
    this.#exportedValues.set(name, value);
    if (mode === 'all') this.setVariable(name, value);
  }

  exportVariableByName(name: string): void {
    this.#exportedNames.add(name);
  }

  exportedVariables(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of this.#exportedNames) out[name] = this.call.getVariable(name) ?? '';
    for (const [name, value] of this.#exportedValues) out[name] = value;
    return out;
  }

  expressionEnv(): ExpressionEnv {
    return new EvaluationEnv(this);
  }

  /** The captures of an `if` that matched replace those of earlier ones. */
  replaceCaptures(captures: (readonly string[])[]): void {
    this.#captures = captures;
  }

  log(message: string): void {
    this.services.logger.info({ uuid: this.call.uuid, message }, 'schema log');
    this.note(message);
  }

  note(message: string): void {
    this.stepNotes?.push(message);
  }
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

  /** `&exists("101")` or `&exists("101@example.com")`: is there such a user. */
  exists(name: string): boolean {
    const { id, domain } = parseUserRef(name, this.context.domainName);
    return this.context.services.directory.user(domain, id) !== undefined;
  }

  /** Usage counters are kept by the `limit` application, which is not supported yet: nothing is counted. */
  usage(): number {
    return 0;
  }
}
