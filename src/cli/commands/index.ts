import type { Command } from 'commander';
import { registerAdmin } from './admin.js';
import { registerCdr } from './cdr.js';
import { registerConfig } from './config.js';
import { registerStart } from './start.js';
import { registerTrace } from './trace.js';
import { registerToken } from './token.js';
import { registerValidate } from './validate.js';

/** A CLI command module: adds its command(s) to the program. */
export type RegisterCommand = (program: Command) => void;

const modules: RegisterCommand[] = [registerStart, registerValidate, registerTrace, registerCdr, registerToken, registerConfig, registerAdmin];

export function registerCommands(program: Command): void {
  for (const register of modules) register(program);
}
