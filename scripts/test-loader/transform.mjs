// How the test loader turns a TypeScript module into JavaScript: esbuild with the
// project's compiler options, an inline source map naming the module's own file.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Compiled modules, mirroring the repository's paths (.tmp/ is ignored by git). */
export const CACHE_DIR = `${ROOT}.tmp/test-js/`;

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
    // The map's source resolves against the module's URL, which is the .ts file's own.
    sourcefile: basename(path),
    tsconfigRaw: { compilerOptions },
  });
  return code;
}
