// Compiles every TypeScript module under src/ and test/ into the test loader's cache
// (see hooks.mjs), before `npm test` starts its test processes; prints the cache's folder.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CACHE_DIR, ROOT, compiledPath, transformFile } from './transform.mjs';

async function typeScriptFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')).map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

const files = (await Promise.all(['src', 'test'].map((dir) => typeScriptFiles(join(ROOT, dir))))).flat();
await Promise.all(
  files.map(async (file) => {
    const out = compiledPath(file);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, await transformFile(file));
  }),
);
console.log(CACHE_DIR);
