import { Command } from 'commander';
import { registerCommands } from './commands/index.js';
import { reportFailure } from './input.js';

/** `callrouter <command>`: each command lives in ./commands and registers itself. */
const program = new Command()
  .name('callrouter')
  .description('Call router: runs ACR routing schemas on its built-in SIP server')
  .showHelpAfterError()
  .exitOverride((error) => {
    process.exit(error.exitCode === 0 ? 0 : 2);
  });

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  reportFailure(error);
}
