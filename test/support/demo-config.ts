import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDemoConfig } from '../../src/server/demo-config.js';

/** The demo configuration in a scratch folder, listening on free loopback ports, and its admin token. */
export async function demoConfigFile() {
  const dir = await mkdtemp(join(tmpdir(), 'callrouter-demo-'));
  const file = join(dir, 'callrouter.json');
  const { adminToken } = await writeDemoConfig(file);
  const config = JSON.parse(await readFile(file, 'utf8'));
  config.sip.listen = { address: '127.0.0.1', port: 0 };
  config.http.port = 0;
  await writeFile(file, JSON.stringify(config));
  return { file, config, adminToken };
}
