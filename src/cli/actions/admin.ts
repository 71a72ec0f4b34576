import { randomBytes } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { AccountStore, type AccountRecord } from '../../admin/account-store.js';
import { isRole, ROLES } from '../../admin/roles.js';
import { UsageError } from '../failure.js';
import { withAdminStore, type PlaceOptions } from './token.js';

const withAccounts = <T>(options: PlaceOptions, run: (store: AccountStore) => Promise<T>) => withAdminStore(options, (dataDir) => AccountStore.openInDataDir(dataDir), run);

function describe(account: AccountRecord): string {
  return `${account.username}  ${account.role}${account.domain ? ` of ${account.domain}` : ''}  created ${account.createdAt}`;
}

/** A password for a new account, printed once. */
function generatedPassword(): string {
  return randomBytes(12).toString('base64url');
}

export interface CreateAccountOptions extends PlaceOptions {
  username: string;
  role: string;
  domain?: string;
  passwordStdin?: boolean;
}

/** `callrouter admin create`: with no --password-stdin, the generated password is printed once. */
export async function createAccount(options: CreateAccountOptions): Promise<void> {
  const { role } = options;
  if (!isRole(role)) throw new UsageError(`--role ${JSON.stringify(role)}: expected one of ${ROLES.join(', ')}`);
  const password = options.passwordStdin ? (await text(process.stdin)).replace(/\r?\n$/, '') : generatedPassword();
  await withAccounts(options, async (store) => {
    const created = await store.create({ username: options.username, password, role, domain: options.domain });
    console.error(`Created ${describe(created)}.`);
    if (!options.passwordStdin) console.log(`password (shown once): ${password}`);
  });
}

export async function listAccounts(options: PlaceOptions): Promise<void> {
  await withAccounts(options, async (store) => store.list().forEach((account) => console.log(describe(account))));
}

/** `callrouter admin delete`: the account's sessions end at once. */
export async function deleteAccount(username: string, options: PlaceOptions): Promise<void> {
  await withAccounts(options, async (store) => {
    if (!store.delete(username)) throw new UsageError(`no account ${JSON.stringify(username)} (see callrouter admin list)`);
    console.log(`deleted ${username}`);
  });
}
