import type { Call } from './call.js';
import { DEFAULT_VARIABLE_LIMITS, VariableTooLargeError, type VariableLimits } from './variable-limits.js';
import { VariableTable } from './variable-table.js';

/**
 * The channel-variable part of `Call`, the same for every telephony adapter:
 * a table of strings (variable-table.ts), within the call's variable limits (variable-limits.ts).
 * Variables the adapter sets itself from signalling are bounded by the
 * message size and go straight into `channel`.
 */
export abstract class ChannelVariables implements Pick<Call, 'getVariable' | 'setVariable' | 'unsetVariable' | 'variables'> {
  protected readonly channel = new VariableTable();
  readonly #limits: VariableLimits;

  constructor(limits: VariableLimits = DEFAULT_VARIABLE_LIMITS) {
    this.#limits = limits;
  }

  getVariable(name: string): string | undefined {
    return this.channel.get(name);
  }

  /** Throws VariableTooLargeError when the value, or the call's variables with it, would exceed the limits. */
  setVariable(name: string, value: string): void {
    const { maxValueChars, maxTotalChars } = this.#limits;
    if (value.length > maxValueChars) throw new VariableTooLargeError(name, `${value.length} characters, more than the ${maxValueChars} a value may have`);
    const previous = this.channel.get(name);
    const total = this.channel.chars - (previous === undefined ? 0 : name.length + previous.length) + name.length + value.length;
    if (total > maxTotalChars) throw new VariableTooLargeError(name, `the call's variables would hold ${total} characters, more than ${maxTotalChars}`);
    this.channel.set(name, value);
  }

  unsetVariable(name: string): void {
    this.channel.delete(name);
  }

  variables(): IterableIterator<[string, string]> {
    return this.channel.entries();
  }
}
