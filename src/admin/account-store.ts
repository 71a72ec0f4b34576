/**
 * Admin accounts (people who sign in to the console) and their sessions, in
 * `<dataDir>/admin.sqlite`. A password is kept as a scrypt hash (a slow,
 * memory-hard hash: a stolen database costs a guesser real work per try),
 * with its parameters so they can be raised later. A session is a random
 * secret sent as a cookie, kept as its SHA-256 with the CSRF token the
 * console must echo, and ends after SESSION_HOURS or at sign-out.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type Database from 'better-sqlite3';
import { adminDatabasePath, openAdminDatabase, secretDigest } from './admin-database.js';
import type { Principal, Role } from './roles.js';

export const MIN_PASSWORD_LENGTH = 10;
const SESSION_HOURS = 12;
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keylen: 32 };
const USERNAME = /^[A-Za-z0-9_.@-]{1,64}$/;

export interface AccountRecord {
  username: string;
  role: Role;
  domain?: string;
  createdAt: string;
}

export interface NewAccount {
  username: string;
  password: string;
  role: Role;
  /** Required for `domain-admin`, refused for the other roles. */
  domain?: string;
}

export interface Session {
  /** The cookie's value: shown to the browser once, kept only as its SHA-256. */
  secret: string;
  csrfToken: string;
  expiresAt: Date;
}

export class AccountError extends Error {
  override name = 'AccountError';
}

interface AccountRow {
  username: string;
  password_hash: string;
  role: Role;
  domain: string | null;
  created_at: string;
}

function scryptHash(password: string, salt: Buffer, options: ScryptOptions & { keylen: number }): Promise<Buffer> {
  const { keylen, ...cost } = options;
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keylen, { ...cost, maxmem: 256 * cost.N! * cost.r! }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64url. */
async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptHash(password, salt, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt') return false;
  const wanted = Buffer.from(hash, 'base64url');
  const given = await scryptHash(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p), keylen: wanted.length });
  return timingSafeEqual(given, wanted);
}

/** Checked against when the username is unknown, so the answer takes as long as for a real account. */
let nobody: Promise<string> | undefined;
const nobodysHash = () => (nobody ??= hashPassword(randomBytes(16).toString('hex')));

export class AccountStore {
  readonly #db: Database.Database;

  private constructor(db: Database.Database) {
    this.#db = db;
  }

  static openInDataDir(dataDir: string): AccountStore {
    return new AccountStore(openAdminDatabase(adminDatabasePath(dataDir)));
  }

  async create(request: NewAccount, now = new Date()): Promise<AccountRecord> {
    if (!USERNAME.test(request.username)) throw new AccountError('a username is 1 to 64 letters, digits or _.@-');
    if (request.password.length < MIN_PASSWORD_LENGTH) throw new AccountError(`a password has at least ${MIN_PASSWORD_LENGTH} characters`);
    if (request.role === 'domain-admin' && !request.domain) throw new AccountError('a domain-admin account needs a domain');
    if (request.role !== 'domain-admin' && request.domain) throw new AccountError(`a domain applies to domain-admin accounts only, not ${request.role}`);
    if (this.#row(request.username)) throw new AccountError(`the account ${request.username} exists already`);
    const record: AccountRecord = { username: request.username, role: request.role, ...(request.domain ? { domain: request.domain } : {}), createdAt: now.toISOString() };
    const hash = await hashPassword(request.password);
    this.#db
      .prepare('INSERT INTO admin_account (username, password_hash, role, domain, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(record.username, hash, record.role, record.domain ?? null, record.createdAt);
    return record;
  }

  list(): AccountRecord[] {
    return (this.#db.prepare('SELECT * FROM admin_account ORDER BY username').all() as AccountRow[]).map(recordOf);
  }

  /** Deletes an account and ends its sessions; false when there is none of that name. */
  delete(username: string): boolean {
    return this.#db.prepare('DELETE FROM admin_account WHERE username = ?').run(username).changes === 1;
  }

  /** The account when the password is its own; undefined otherwise, after the same work either way. */
  async authenticate(username: string, password: string): Promise<AccountRecord | undefined> {
    const row = this.#row(username);
    const matches = await passwordMatches(password, row?.password_hash ?? (await nobodysHash()));
    return row && matches ? recordOf(row) : undefined;
  }

  startSession(account: AccountRecord, now = Date.now()): Session {
    const session = { secret: randomBytes(32).toString('base64url'), csrfToken: randomBytes(24).toString('base64url'), expiresAt: new Date(now + SESSION_HOURS * 3_600_000) };
    this.#db.prepare('DELETE FROM admin_session WHERE expires_at <= ?').run(now);
    this.#db
      .prepare('INSERT INTO admin_session (secret_sha256, username, csrf_token, expires_at) VALUES (?, ?, ?, ?)')
      .run(secretDigest(session.secret), account.username, session.csrfToken, session.expiresAt.getTime());
    return session;
  }

  /** Who a session cookie stands for, with its CSRF token and end; undefined when unknown, ended or expired. */
  verifySession(secret: string, now = Date.now()): { principal: Principal; csrfToken: string; expiresAt: Date } | undefined {
    const row = this.#db
      .prepare(
        `SELECT a.*, s.csrf_token, s.expires_at FROM admin_session s JOIN admin_account a USING (username)
         WHERE s.secret_sha256 = ? AND s.expires_at > ?`,
      )
      .get(secretDigest(secret), now) as (AccountRow & { csrf_token: string; expires_at: number }) | undefined;
    if (!row) return undefined;
    const principal: Principal = { tokenId: `account:${row.username}`, name: row.username, role: row.role, account: row.username, ...(row.domain === null ? {} : { domain: row.domain }) };
    return { principal, csrfToken: row.csrf_token, expiresAt: new Date(row.expires_at) };
  }

  endSession(secret: string): void {
    this.#db.prepare('DELETE FROM admin_session WHERE secret_sha256 = ?').run(secretDigest(secret));
  }

  close(): void {
    this.#db.close();
  }

  #row(username: string): AccountRow | undefined {
    return this.#db.prepare('SELECT * FROM admin_account WHERE username = ?').get(username) as AccountRow | undefined;
  }
}

function recordOf(row: AccountRow): AccountRecord {
  return { username: row.username, role: row.role, ...(row.domain === null ? {} : { domain: row.domain }), createdAt: row.created_at };
}
