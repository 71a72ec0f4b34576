import { Command } from 'commander';
import { registerCommands } from './commands/index.js';

/**
 * The `callrouter` program: each command lives in ./commands and registers
 * itself. `exit` takes commander's own endings (help, usage errors) — the
 * process's exit in main.ts; tests that run a command in their own process
 * catch it instead.
 */
export function createProgram(exit: (code: number) => never): Command {
  const program = new Command()
    .name('callrouter')
    .description('Call router: runs ACR routing schemas on its built-in SIP server')
    .showHelpAfterError()
    .exitOverride((error) => exit(error.exitCode === 0 ? 0 : 2));
  registerCommands(program);
  return program;
}
