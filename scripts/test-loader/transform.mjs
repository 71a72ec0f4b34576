// How the test loader turns a TypeScript module into JavaScript: esbuild with the
// project's compiler options, an inline source map naming the module's own file.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Compiled modules, mirroring the repository's paths (.tmp/ is ignored by git). */
export const CACHE_DIR = `${ROOT}.tmp/test-js/`;

/**
 * Where the compiled `path` (a .ts module in the repository) goes: `x.ts` becomes `x.js`, the
 * name its importers give it, so the compiled tree also runs as it is, without the hooks.
 */
export function compiledPath(path) {
  return join(CACHE_DIR, `${relative(ROOT, path).slice(0, -'.ts'.length)}.js`);
}

// esbuild takes the options that change emitted code (target, verbatimModuleSyntax, …) from these.
const { compilerOptions } = JSON.parse(readFileSync(`${ROOT}tsconfig.json`, 'utf8'));

export async function transformFile(path) {
  // Loaded on first use: a test process whose modules are all in the cache never needs it,
  // and importing it costs each test process about 70 ms.
  const { transform } = await import('esbuild');
  const { code } = await transform(await readFile(path, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    // The map names the .ts file by its URL: the module runs at that URL (hooks.mjs) or from the compiled tree.
    sourcefile: pathToFileURL(path).href,
    tsconfigRaw: { compilerOptions },
  });
  return code;
}
