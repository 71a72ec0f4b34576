// The processes `npm test` runs, one path a line. A test process costs about half a CPU-second
// before its first test, and each one imports its modules again: the unit tests under src/ that
// need no process of their own run several files to a process (a bundle written to
// .tmp/test-bundles/, importing them in order), 161 files in 141 CPU-s as a process each, in 40-46
// as 11-12 bundles (docs/performance.md). A bundle runs its files' tests one after another, as a
// file's own process does; a failure names the test's own file.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './test-loader/transform.mjs';

/** Unit test files that keep a process of their own: they wait long in real time, better beside a bundle than in one. */
const OWN_PROCESS = new Set([
  'src/cdr/sqlite/cdr-workers.test.ts',
  'src/cdr/sqlite/cdr-writer-client.test.ts',
  'src/cdr/sqlite/index-set-migration.test.ts',
  'src/cdr/document/local-time.test.ts',
  'src/cdr/sqlite/cdr-worker-lane.test.ts',
]);

/** A bundle holds at most this many files, so a few bundles run side by side. */
const BUNDLE_FILES = 20;
const BUNDLE_DIR = join(ROOT, '.tmp/test-bundles');

async function testFiles(dir) {
  const entries = await readdir(join(ROOT, dir), { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath ?? entry.path, entry.name)))
    .sort();
}

/**
 * Whether a unit test file can share a process: not if it hooks the process's root test
 * (a top-level before/after would run around every bundled file's tests) or uses the
 * process-wide `mock` (a timer mock left enabled would reach the next file).
 */
async function canShare(file) {
  if (OWN_PROCESS.has(file)) return false;
  const source = await readFile(join(ROOT, file), 'utf8');
  return !/^(before|after|beforeEach|afterEach)\(/m.test(source) && !/import\s*\{[^}]*\bmock\b[^}]*\}\s*from\s*'node:test'/.test(source);
}

/** A folder with fewer shareable files than this shares its bundle with the other small ones. */
const FOLDER_BUNDLE_MIN = 5;

/** Bundles of the shareable files, by the folder under src/ they test. */
async function writeBundles(files) {
  const folderOf = (file) => file.split('/').slice(0, -1).slice(0, 2).join('-');
  const byFolder = new Map();
  for (const file of files) byFolder.set(folderOf(file), [...(byFolder.get(folderOf(file)) ?? []), file]);
  const small = [...byFolder].filter(([, inFolder]) => inFolder.length < FOLDER_BUNDLE_MIN);
  for (const [folder] of small) byFolder.delete(folder);
  byFolder.set('src-other', small.flatMap(([, inFolder]) => inFolder));
  await rm(BUNDLE_DIR, { recursive: true, force: true });
  await mkdir(BUNDLE_DIR, { recursive: true });
  const bundles = [];
  for (const [folder, inFolder] of byFolder) {
    const size = Math.ceil(inFolder.length / Math.ceil(inFolder.length / BUNDLE_FILES));
    for (let start = 0; start < inFolder.length; start += size) {
      const part = inFolder.slice(start, start + size);
      const path = join(BUNDLE_DIR, `${folder}-${start / size + 1}.test.mjs`);
      await writeFile(path, part.map((file) => `import ${JSON.stringify(pathToFileURL(join(ROOT, file)).href)};\n`).join(''));
      bundles.push(relative(ROOT, path));
    }
  }
  return bundles;
}

const unit = await testFiles('src');
const endToEnd = await testFiles('test');
const shareable = [];
for (const file of unit) if (await canShare(file)) shareable.push(file);
const alone = [...unit, ...endToEnd].filter((file) => !shareable.includes(file));
console.log([...(await writeBundles(shareable)), ...alone].join('\n'));
