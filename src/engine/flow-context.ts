import type { AppContext, Services } from '../apps/app.js';
import { parseUserRef } from '../apps/user-ref.js';
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
    const context = this;
    // Captures of an earlier `if` stay readable until an evaluation matches anew.
    let matchedThisEvaluation = false;
    return {
      channel: (name) => context.call.getVariable(name),
      global: (name) => context.#domainVariables.get(name),
      capture: (reg, group) => context.capture(reg, group),
      now: context.clock.now(),
      timeZone: context.timeZone,
      setCaptures(reg, captures) {
        if (!matchedThisEvaluation) context.#captures = [];
        matchedThisEvaluation = true;
        context.#captures[reg] = captures;
      },
      exists: (name) => context.#userExists(name),
      // Usage counters are kept by the `limit` application, which is not supported yet: nothing is counted.
      usage: () => 0,
    };
  }

  log(message: string): void {
    this.services.logger.info({ uuid: this.call.uuid, message }, 'schema log');
    this.note(message);
  }

  note(message: string): void {
    this.stepNotes?.push(message);
  }

  /** `&exists("101")` or `&exists("101@example.com")`: is there such a user. */
  #userExists(name: string): boolean {
    const { id, domain } = parseUserRef(name, this.domainName);
    return this.services.directory.user(domain, id) !== undefined;
  }
}
