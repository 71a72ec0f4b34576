import type { Command } from 'commander';

/** A CLI command module: adds its command(s) to the program. */
export type RegisterCommand = (program: Command) => void;

const modules: RegisterCommand[] = [];

export function registerCommands(program: Command): void {
  for (const register of modules) register(program);
}
