import { reportFailure } from './failure.js';
import { createProgram } from './program.js';

/** `callrouter <command>`. */
const program = createProgram((code) => process.exit(code));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  reportFailure(error);
}
