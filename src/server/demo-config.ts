import { randomBytes, randomInt } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AccountStore } from '../admin/account-store.js';
import { TokenStore } from '../admin/token-store.js';
import { resolveDataDir } from '../config/load.js';
import type { PromptName } from '../apps/services/prompt-catalog.js';
import { SpokenPrompts } from '../apps/services/spoken-prompts.js';
import { DEFAULT_MEDIA_DIR } from '../media/settings.js';
import { PROMPTS_DIR } from './data-dir.js';

const EXAMPLE_SCHEMAS = ['last-agent-app.json', 'last-agent.json', 'internal.json', 'outbound.json', 'demo-ivr.json'];
const DEMO_USERS = ['100', '101', '102', '103', '104', '105'];
/** The IVR's prompts, made into the domain's media folder (the IVR plays them as type wav). */
const IVR_PROMPTS: PromptName[] = ['demo-welcome', 'demo-closed'];

export interface DemoCredentials {
  domain: string;
  users: { id: string; password: string; voicemailPin: string }[];
  /** How the IVR's prompts were made: espeak-ng speech, or tones where it is not installed. */
  prompts: 'speech' | 'tones';
  /** An `admin` token for the HTTP API, stored hashed in the demo's data directory. */
  adminToken: string;
  /** An `admin` account for signing in to the console, its password kept as a scrypt hash. */
  adminAccount: { username: string; password: string };
}

/**
 * Writes the demo configuration: one domain, users 100–105 with generated
 * passwords and voicemail PINs, a carrier gateway on 127.0.0.2, and routes
 * that use the example schemas — the main public number runs
 * last-agent-app.json's `lastAgent` step and then, instead of its fallback,
 * the demo IVR (demo-ivr.json: office hours, 1 for 100, 2 for 102, voicemail
 * of 100); a second number runs the seed's last-agent.json —, *98 to listen
 * to one's voicemail, an admin API token and an admin account for the
 * console. The IVR's prompts are made into the domain's media folder.
 * Returns the credentials so they can be printed once.
 */
export async function writeDemoConfig(file: string): Promise<DemoCredentials> {
  const folder = dirname(file);
  await mkdir(join(folder, 'schemas'), { recursive: true });
  for (const schema of EXAMPLE_SCHEMAS) {
    await copyFile(new URL(`../../examples/${schema}`, import.meta.url), join(folder, 'schemas', schema));
  }
  await writeFile(join(folder, 'schemas', 'main.json'), `${JSON.stringify(await lastAgentThenIvr(), null, 2)}\n`);
  const users = DEMO_USERS.map((id) => ({ id, password: randomBytes(9).toString('base64url'), voicemailPin: String(randomInt(1000, 10_000)) }));
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
        // Customers' numbers are compared in E.164 read with this country: 0671234567 and +380671234567 are one customer.
        country: 'UA',
        users: users.map(({ id, password, voicemailPin }) => ({ id, name: `Agent ${id}`, password, variables: { 'vm-password': voicemailPin } })),
        calendars: [{ name: 'office hours', accept: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' }] }],
        // 127.0.0.2: calls from the gateway are recognised by source address, so it must not be the address softphones on this machine use.
        gateways: [{ name: 'carrier', host: '127.0.0.2', port: 5080, transport: 'udp' }],
        routes: {
          // Carriers send Ukrainian numbers as +380…; the schemas and CDRs see 0…, so a call-back matches the number 101 dialled.
          nationalFormat: { countryCode: '380', trunkPrefix: '0' },
          public: [
            // lastAgent in one step (48 days, inbound and outbound, strict with a 20 s wait), then the IVR; the seed's four-app schema beside it.
            { name: 'main number', numbers: ['0441234567'], schema: 'schemas/main.json' },
            { name: 'seed schema', numbers: ['0441234568'], schema: 'schemas/last-agent.json' },
          ],
          default: [
            { name: 'voicemail', pattern: '^\\*98$', schema: [{ voicemail: { check: true } }, { hangup: 'NORMAL_CLEARING' }] },
            { name: 'ivr', pattern: '^500$', schema: 'schemas/demo-ivr.json' },
            { name: 'internal', pattern: '^\\d{3}$', schema: 'schemas/internal.json' },
            { name: 'outbound', pattern: '^\\+?\\d{7,}$', schema: 'schemas/outbound.json' },
          ],
        },
      },
    ],
  };
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  const dataDir = resolveDataDir(file, config);
  const prompts = await writeIvrPrompts(dataDir, domain);
  const tokens = TokenStore.openInDataDir(dataDir);
  const accounts = AccountStore.openInDataDir(dataDir);
  try {
    const adminAccount = { username: 'admin', password: randomBytes(12).toString('base64url') };
    await accounts.create({ ...adminAccount, role: 'admin' });
    return { domain, users, prompts, adminToken: tokens.create({ role: 'admin', name: 'demo admin (first start)' }).token, adminAccount };
  } finally {
    tokens.close();
    accounts.close();
  }
}

/** last-agent-app.json's `lastAgent` step; the demo IVR takes the place of its fallback bridge. */
async function lastAgentThenIvr(): Promise<unknown[]> {
  const read = async (name: string) => JSON.parse(await readFile(new URL(`../../examples/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>[];
  const lastAgent = await read('last-agent-app.json');
  const lookupEnds = lastAgent.findIndex((step) => 'lastAgent' in step) + 1;
  if (lookupEnds === 0) throw new Error('examples/last-agent-app.json has no lastAgent step to keep');
  return [...lastAgent.slice(0, lookupEnds), ...(await read('demo-ivr.json'))];
}

/** The IVR's prompts into `<dataDir>/media/<domain>/`: espeak-ng speech, else tones. */
async function writeIvrPrompts(dataDir: string, domain: string): Promise<'speech' | 'tones'> {
  const folder = join(dataDir, DEFAULT_MEDIA_DIR, domain);
  await mkdir(folder, { recursive: true });
  const prompts = new SpokenPrompts(join(dataDir, PROMPTS_DIR));
  const made = await Promise.all(IVR_PROMPTS.map((name) => prompts.writeFile(name, join(folder, `${name}.wav`))));
  return made.every((kind) => kind === 'speech') ? 'speech' : 'tones';
}
