import type { Command } from 'commander';
import { ROLES } from '../../admin/roles.js';
import type { CreateAccountOptions } from '../actions/admin.js';
import type { PlaceOptions } from '../actions/token.js';
import { action } from '../failure.js';
import { placeOptions } from './token.js';

const accounts = () => import('../actions/admin.js');

/** `callrouter admin create|list|delete`: accounts people sign in to the console with. */
export function registerAdmin(program: Command): void {
  const admin = program.command('admin').description(`admin accounts for signing in to the console (passwords kept as scrypt hashes); roles: ${ROLES.join(', ')}`);

  placeOptions(admin.command('create'))
    .description('create an account; without --password-stdin a password is generated and printed once')
    .requiredOption('--username <name>', 'the sign-in name')
    .option('--role <role>', ROLES.join(' | '), 'admin')
    .option('--domain <name>', 'the one domain of a domain-admin account')
    .option('--password-stdin', 'read the password from standard input')
    .action(action(async (options: CreateAccountOptions) => (await accounts()).createAccount(options)));

  placeOptions(admin.command('list'))
    .description('list the accounts')
    .action(action(async (options: PlaceOptions) => (await accounts()).listAccounts(options)));

  placeOptions(admin.command('delete'))
    .description('delete an account; its sessions end at once')
    .argument('<username>')
    .action(action(async (username: string, options: PlaceOptions) => (await accounts()).deleteAccount(username, options)));
}
