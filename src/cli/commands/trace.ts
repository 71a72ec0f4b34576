import type { Command } from 'commander';
import type { TraceOptions } from '../actions/trace.js';
import { collectVariable } from '../arguments.js';
import { action } from '../failure.js';

/** `callrouter trace [schema]`: what a call would do, step by step, in simulated time. */
export function registerTrace(program: Command): void {
  program
    .command('trace')
    .description('run a schema on a simulated call and print each step')
    .argument('[schema]', "schema file (JSON array of applications); with --config, absent means the route's own")
    .option('--var <name=value>', 'channel variable of the call (repeatable)', collectVariable, {})
    .option('--scenario <file>', 'JSON scenario: phone states, bridge outcomes, digits, caller patience')
    .option('--now <iso>', 'the time the call starts, e.g. 2026-11-24T12:00:00Z')
    .option('--cdr <file>', 'CDRs (NDJSON or JSON) to search, loaded into a temporary store')
    .option('--config <file>', "configuration: its domains and users, and its routes (the configuration store's, once the router has imported the file) — the call is routed as a real one")
    .option('--from <who>', 'with --config, who calls: gateway, anonymous, or a user (101@example.com)', 'gateway')
    .option('--json', 'one JSON object per line')
    .action(action(async (schemaPath: string | undefined, options: TraceOptions) => (await import('../actions/trace.js')).trace(schemaPath, options)));
}
