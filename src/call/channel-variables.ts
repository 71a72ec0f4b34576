import type { Call } from './call.js';

/** The channel-variable part of `Call`, the same for every telephony adapter: a map of strings. */
export abstract class ChannelVariables implements Pick<Call, 'getVariable' | 'setVariable' | 'unsetVariable' | 'variables'> {
  protected readonly channel = new Map<string, string>();

  getVariable(name: string): string | undefined {
    return this.channel.get(name);
  }

  setVariable(name: string, value: string): void {
    this.channel.set(name, value);
  }

  unsetVariable(name: string): void {
    this.channel.delete(name);
  }

  variables(): IterableIterator<[string, string]> {
    return this.channel.entries();
  }
}
