// Module hooks for `npm test`, in place of tsx: a .ts module is served as the
// JavaScript compile.mjs wrote for it, at its own URL, so import.meta.url, the
// fixtures beside it and the .ts paths tests hand to workers and child processes
// stay the source's. A module edited since (or added) is compiled on the spot.
// Each test file is a process; tsx costs each about half a CPU-second more.
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, compiledPath, transformFile } from './transform.mjs';

/** TypeScript's NodeNext imports name the .js the compiler would emit; beside a .ts module, that is the .ts. */
export async function resolve(specifier, context, next) {
  if (context.parentURL?.endsWith('.ts') && /^\.\.?\//.test(specifier) && specifier.endsWith('.js')) {
    const source = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
    if (existsSync(source)) return { url: source.href, format: 'module', shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  return { format: 'module', source: await compiled(fileURLToPath(url)), shortCircuit: true };
}

async function compiled(path) {
  if (relative(ROOT, path).startsWith('..')) return transformFile(path);
  const cached = compiledPath(path);
  const [source, output] = await Promise.all([stat(path), stat(cached).catch(() => undefined)]);
  if (output && output.mtimeMs >= source.mtimeMs) return readFile(cached, 'utf8');
  return transformFile(path);
}
