// Builds the web console (console/) into dist/console/, which the router serves at `/`.
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const CONSOLE_SOURCE = fileURLToPath(new URL('../console/', import.meta.url));
export const CONSOLE_OUTPUT = fileURLToPath(new URL('../dist/console/', import.meta.url));

export async function buildConsole() {
  await mkdir(CONSOLE_OUTPUT, { recursive: true });
  await build({
    entryPoints: { app: `${CONSOLE_SOURCE}app.ts` },
    bundle: true,
    format: 'esm',
    target: ['es2022'],
    minify: true,
    sourcemap: true,
    outdir: CONSOLE_OUTPUT,
    logLevel: 'warning',
  });
  await copyFile(`${CONSOLE_SOURCE}style.css`, `${CONSOLE_OUTPUT}app.css`);
  await copyFile(`${CONSOLE_SOURCE}index.html`, `${CONSOLE_OUTPUT}index.html`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildConsole();
