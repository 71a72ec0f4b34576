import { z } from 'zod';
import type { Flow } from '../engine/flow.js';
import type { AppSpec } from '../engine/app.js';
import { webitelObject } from './args.js';

export interface TriggerArgs {
  /** Runs once the call has ended, as the original's `callflow_on_disconnect`. */
  disconnected?: Flow;
  /**
   * flow_manager's commands: in a chat, a message naming one runs its flow
   * and the receiving goes on; on a call here, collected digits naming one
   * (`playback` getDigits) run it, then the collecting step runs again.
   */
  commands: Record<string, Flow>;
}

/** `trigger`: `{ "disconnected": [...] }` defines what runs after the call ends; nothing happens where it stands. */
export const triggerApp: AppSpec<TriggerArgs> = {
  name: 'trigger',
  args: (nestedFlow) =>
    webitelObject({ disconnected: nestedFlow.optional(), commands: z.record(z.string(), nestedFlow).default({}) }),
  traceArgs: (args) => ({ disconnected: args.disconnected !== undefined, commands: Object.keys(args.commands) }),
  defines: (args) => ({ onDisconnect: args.disconnected, commands: args.commands }),
  run: (_ctx, args) => {
    const commands = Object.keys(args.commands);
    const disconnected = args.disconnected ? 'disconnected actions will run after the call ends' : 'no disconnected actions';
    return { result: commands.length > 0 ? `${disconnected}; commands ${commands.join(', ')} run when the caller enters them` : disconnected };
  },
};
