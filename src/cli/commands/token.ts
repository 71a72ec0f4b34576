import type { Command } from 'commander';
import { ROLE_DESCRIPTIONS, ROLES } from '../../admin/roles.js';
import type { PlaceOptions } from '../actions/token.js';
import { action } from '../failure.js';
import { DEFAULT_CONFIG } from './start.js';

/** --config and --data-dir: where admin.sqlite is. */
export const placeOptions = (command: Command) =>
  command
    .option('--config <file>', `configuration whose dataDir holds admin.sqlite (default ${DEFAULT_CONFIG} when it exists)`)
    .option('--data-dir <dir>', 'data directory holding admin.sqlite (default ./data)');

const tokens = () => import('../actions/token.js');

/** `callrouter token create|list|revoke`: the HTTP API's bearer tokens. */
export function registerToken(program: Command): void {
  const token = program
    .command('token')
    .description(`HTTP API tokens (stored hashed in the data directory); roles: ${ROLES.map((role) => `${role} (${ROLE_DESCRIPTIONS[role]})`).join('; ')}`);

  placeOptions(token.command('create'))
    .description('create a token and print it once on stdout (only its SHA-256 is kept)')
    .requiredOption('--role <role>', ROLES.join(' | '))
    .requiredOption('--name <text>', 'who or what uses it, e.g. "grafana" or "Alice"')
    .option('--domain <name>', 'the one domain of a domain-admin token')
    .action(action(async (options: PlaceOptions & { role: string; name: string; domain?: string }) => (await tokens()).createToken(options)));

  placeOptions(token.command('list'))
    .description('list tokens (id, role, domain, name, created, revoked); secrets are never shown')
    .option('--json', 'JSON lines instead of text')
    .action(action(async (options: PlaceOptions & { json?: boolean }) => (await tokens()).listTokens(options)));

  placeOptions(token.command('revoke'))
    .description('revoke a token by id: refused from the next request on, also by a running router')
    .argument('<id>', 'the id `token list` shows')
    .action(action(async (id: string, options: PlaceOptions) => (await tokens()).revokeToken(id, options)));
}
