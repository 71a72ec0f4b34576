import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AccountStore } from '../admin/account-store.js';
import { TokenStore } from '../admin/token-store.js';
import { resolveDataDir } from '../config/load.js';

const EXAMPLE_SCHEMAS = ['last-agent.json', 'internal.json', 'outbound.json'];
const DEMO_USERS = ['100', '101', '102', '103', '104', '105'];

export interface DemoCredentials {
  domain: string;
  users: { id: string; password: string }[];
  /** An `admin` token for the HTTP API, stored hashed in the demo's data directory. */
  adminToken: string;
  /** An `admin` account for signing in to the console, its password kept as a scrypt hash. */
  adminAccount: { username: string; password: string };
}

/**
 * Writes the demo configuration: one domain, users 100–105 with generated
 * passwords, a carrier gateway on 127.0.0.2, and routes that use the example
 * schemas (the public number runs last-agent.json), an admin API token and
 * an admin account for the console.
 * Returns the credentials so they can be printed once.
 */
export async function writeDemoConfig(file: string): Promise<DemoCredentials> {
  const folder = dirname(file);
  await mkdir(join(folder, 'schemas'), { recursive: true });
  for (const schema of EXAMPLE_SCHEMAS) {
    await copyFile(new URL(`../../examples/${schema}`, import.meta.url), join(folder, 'schemas', schema));
  }
  const users = DEMO_USERS.map((id) => ({ id, password: randomBytes(9).toString('base64url') }));
  const domain = 'demo.callrouter.local';
  const config = {
    // Loopback only, as without a configuration: open SIP to phones elsewhere by setting the machine's address (or 0.0.0.0).
    sip: { listen: { address: '127.0.0.1', port: 5060 }, transports: ['udp', 'tcp'] },
    http: { address: '127.0.0.1', port: 8080 },
    dataDir: '.',
    domains: [
      {
        name: domain,
        timeZone: 'Europe/Kyiv',
        users: users.map(({ id, password }) => ({ id, name: `Agent ${id}`, password })),
        // 127.0.0.2: calls from the gateway are recognised by source address, so it must not be the address softphones on this machine use.
        gateways: [{ name: 'carrier', host: '127.0.0.2', port: 5080, transport: 'udp' }],
        routes: {
          // Carriers send Ukrainian numbers as +380…; the schemas and CDRs see 0…, so a call-back matches the number 101 dialled.
          nationalFormat: { countryCode: '380', trunkPrefix: '0' },
          public: [{ name: 'main number', numbers: ['0441234567'], schema: 'schemas/last-agent.json' }],
          default: [
            { name: 'internal', pattern: '^\\d{3}$', schema: 'schemas/internal.json' },
            { name: 'outbound', pattern: '^\\+?\\d{7,}$', schema: 'schemas/outbound.json' },
          ],
        },
      },
    ],
  };
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  const dataDir = resolveDataDir(file, config);
  const tokens = TokenStore.openInDataDir(dataDir);
  const accounts = AccountStore.openInDataDir(dataDir);
  try {
    const adminAccount = { username: 'admin', password: randomBytes(12).toString('base64url') };
    await accounts.create({ ...adminAccount, role: 'admin' });
    return { domain, users, adminToken: tokens.create({ role: 'admin', name: 'demo admin (first start)' }).token, adminAccount };
  } finally {
    tokens.close();
    accounts.close();
  }
}
