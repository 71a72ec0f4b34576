import { randomBytes } from 'node:crypto';
import { text } from 'node:stream/consumers';
import type { Command } from 'commander';
import { AccountStore, type AccountRecord } from '../../admin/account-store.js';
import { isRole, ROLES } from '../../admin/roles.js';
import { action, UsageError } from '../input.js';
import { placeOptions, withAdminStore, type PlaceOptions } from './token.js';

const withAccounts = <T>(options: PlaceOptions, run: (store: AccountStore) => Promise<T>) => withAdminStore(options, (dataDir) => AccountStore.openInDataDir(dataDir), run);

function describe(account: AccountRecord): string {
  return `${account.username}  ${account.role}${account.domain ? ` of ${account.domain}` : ''}  created ${account.createdAt}`;
}

/** A password for a new account, printed once. */
function generatedPassword(): string {
  return randomBytes(12).toString('base64url');
}

/** `callrouter admin create|list|delete`: accounts people sign in to the console with. */
export function registerAdmin(program: Command): void {
  const admin = program.command('admin').description(`admin accounts for signing in to the console (passwords kept as scrypt hashes); roles: ${ROLES.join(', ')}`);

  placeOptions(admin.command('create'))
    .description('create an account; without --password-stdin a password is generated and printed once')
    .requiredOption('--username <name>', 'the sign-in name')
    .option('--role <role>', ROLES.join(' | '), 'admin')
    .option('--domain <name>', 'the one domain of a domain-admin account')
    .option('--password-stdin', 'read the password from standard input')
    .action(
      action(async (options: PlaceOptions & { username: string; role: string; domain?: string; passwordStdin?: boolean }) => {
        const { role } = options;
        if (!isRole(role)) throw new UsageError(`--role ${JSON.stringify(role)}: expected one of ${ROLES.join(', ')}`);
        const password = options.passwordStdin ? (await text(process.stdin)).replace(/\r?\n$/, '') : generatedPassword();
        await withAccounts(options, async (store) => {
          const created = await store.create({ username: options.username, password, role, domain: options.domain });
          console.error(`Created ${describe(created)}.`);
          if (!options.passwordStdin) console.log(`password (shown once): ${password}`);
        });
      }),
    );

  placeOptions(admin.command('list'))
    .description('list the accounts')
    .action(action(async (options: PlaceOptions) => withAccounts(options, async (store) => store.list().forEach((account) => console.log(describe(account))))));

  placeOptions(admin.command('delete'))
    .description('delete an account; its sessions end at once')
    .argument('<username>')
    .action(
      action(async (username: string, options: PlaceOptions) =>
        withAccounts(options, async (store) => {
          if (!store.delete(username)) throw new UsageError(`no account ${JSON.stringify(username)} (see callrouter admin list)`);
          console.log(`deleted ${username}`);
        }),
      ),
    );
}
