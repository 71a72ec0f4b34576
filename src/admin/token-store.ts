/**
 * HTTP API tokens in `<dataDir>/admin.sqlite` (beside the admin accounts,
 * not in the CDR file). A token is 32 random bytes shown once at creation; only its
 * SHA-256 is kept, so a copy of the database lets no one in. Every check
 * reads the table, so a token revoked by `callrouter token revoke` in
 * another process is refused from the next request on.
 */
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { ADMIN_DATABASE_FILE, adminDatabasePath, openAdminDatabase, secretDigest } from './admin-database.js';
import type { Principal, Role } from './roles.js';

export { ADMIN_DATABASE_FILE };
/** Tells callrouter tokens apart from other secrets (and lets secret scanners find leaked ones). */
const TOKEN_PREFIX = 'crt_';

export interface TokenRecord {
  id: string;
  name: string;
  role: Role;
  domain?: string;
  createdAt: string;
  revokedAt?: string;
}

export interface NewToken {
  name: string;
  role: Role;
  /** Required for `domain-admin`, refused for the other roles. */
  domain?: string;
}

export class TokenError extends Error {
  override name = 'TokenError';
}

interface Row {
  id: string;
  name: string;
  role: Role;
  domain: string | null;
  created_at: string;
  revoked_at: string | null;
}

export class TokenStore {
  readonly #db: Database.Database;
  readonly #byHash: Database.Statement<[Buffer], Row>;

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#byHash = db.prepare('SELECT * FROM api_token WHERE secret_sha256 = ? AND revoked_at IS NULL');
  }

  static openInDataDir(dataDir: string): TokenStore {
    return TokenStore.open(adminDatabasePath(dataDir));
  }

  static open(path: string): TokenStore {
    return new TokenStore(openAdminDatabase(path));
  }

  /** Stores a new token and returns its secret, which is not kept and cannot be shown again. */
  create(request: NewToken, now = new Date()): { token: string; record: TokenRecord } {
    const name = request.name.trim();
    if (name === '') throw new TokenError('a token needs a name saying who or what uses it');
    if (request.role === 'domain-admin' && !request.domain) throw new TokenError('a domain-admin token needs --domain <name>');
    if (request.role !== 'domain-admin' && request.domain) throw new TokenError(`--domain applies to domain-admin tokens only, not ${request.role}`);
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const record: TokenRecord = {
      id: randomBytes(6).toString('hex'),
      name,
      role: request.role,
      ...(request.domain ? { domain: request.domain } : {}),
      createdAt: now.toISOString(),
    };
    this.#db
      .prepare('INSERT INTO api_token (id, secret_sha256, name, role, domain, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(record.id, secretDigest(token), record.name, record.role, record.domain ?? null, record.createdAt);
    return { token, record };
  }

  /** Every token, revoked ones included, oldest first. */
  list(): TokenRecord[] {
    return (this.#db.prepare('SELECT * FROM api_token ORDER BY created_at, id').all() as Row[]).map(recordOf);
  }

  /** Revokes a token by id; false when no live token has that id. */
  revoke(id: string, now = new Date()): boolean {
    return this.#db.prepare('UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now.toISOString(), id).changes === 1;
  }

  /** Whether any token can still be used (the router warns at start when none can). */
  hasLiveTokens(): boolean {
    return this.#db.prepare('SELECT 1 FROM api_token WHERE revoked_at IS NULL LIMIT 1').get() !== undefined;
  }

  /** The principal a presented secret stands for, or undefined when it is unknown or revoked. */
  verify(secret: string): Principal | undefined {
    if (!secret.startsWith(TOKEN_PREFIX)) return undefined;
    const row = this.#byHash.get(secretDigest(secret));
    if (!row) return undefined;
    return { tokenId: row.id, name: row.name, role: row.role, ...(row.domain === null ? {} : { domain: row.domain }) };
  }

  close(): void {
    this.#db.close();
  }
}

function recordOf(row: Row): TokenRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    ...(row.domain === null ? {} : { domain: row.domain }),
    createdAt: row.created_at,
    ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }),
  };
}
