import { z } from 'zod';
import type { Flow } from '../engine/flow.js';
import type { AppSpec } from '../engine/app.js';

export interface TriggerArgs {
  /** Runs once the call has ended, as the original's `callflow_on_disconnect`. */
  disconnected?: Flow;
  /** Flows started by agent commands in Webitel's workspace: recognised, not run (callrouter has no agent workspace). */
  commands: Record<string, Flow>;
}

/** `trigger`: `{ "disconnected": [...] }` defines what runs after the call ends; nothing happens where it stands. */
export const triggerApp: AppSpec<TriggerArgs> = {
  name: 'trigger',
  args: (nestedFlow) =>
    z
      .object({ disconnected: nestedFlow.optional(), commands: z.record(z.string(), nestedFlow).default({}) })
      .strict(),
  traceArgs: (args) => ({ disconnected: args.disconnected !== undefined, commands: Object.keys(args.commands) }),
  defines: (args) => ({ onDisconnect: args.disconnected }),
  run: (_ctx, args) => ({ result: args.disconnected ? 'disconnected actions will run after the call ends' : 'no disconnected actions' }),
};
