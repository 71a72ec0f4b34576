/**
 * The configuration store: the domains (users, gateways, routes, schemas,
 * calendars, number lists) with a revision number raised by every change,
 * each object's own revision (the one at which it last changed) and an
 * audit log written in the same transaction as the change. SQLite holds it
 * by default (sqlite-config-store.ts); the interface is asynchronous so
 * that PostgreSQL can hold it for several routers sharing one configuration.
 */
import type { DomainConfig } from '../schema.js';

/** Who made a change: an API token, a signed-in account, the CLI or the configuration file. */
export interface Actor {
  kind: 'token' | 'account' | 'cli' | 'file';
  id: string;
  name: string;
}

export type AuditAction = 'create' | 'update' | 'delete' | 'import' | 'reload';

/** Every domain as stored: validated, defaults filled in, users' passwords replaced by their `ha1`. */
export type StoredDomains = readonly DomainConfig[];

export interface ConfigRevision {
  revision: number;
  domains: StoredDomains;
  /** Object key (objectKey in config-objects.ts) → the revision it last changed at. */
  objectRevisions: ReadonlyMap<string, number>;
}

export interface ConfigCommit {
  /** The revision the change was made from: a different current one is a conflict. */
  baseRevision: number;
  domains: StoredDomains;
  actor: Actor;
  action: AuditAction;
  /** The object changed, as its key (`domains/example.com/users/101`), or `domains` for the whole. */
  object: string;
  /** The domain it belongs to, for a domain-admin's view of the audit log. */
  domain?: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: Actor;
  action: AuditAction;
  object: string;
  domain?: string;
  revisionBefore: number;
  revisionAfter: number;
}

export interface AuditQuery {
  limit: number;
  /** Entries with a smaller id (the next page). */
  before?: number;
  domain?: string;
}

export class RevisionConflictError extends Error {
  constructor(
    readonly expected: number,
    readonly current: number,
  ) {
    super(`the configuration changed meanwhile: revision ${current}, the change was made from ${expected}`);
    this.name = 'RevisionConflictError';
  }
}

export interface ConfigStore {
  /** The newest revision, or undefined when nothing was ever stored (first start imports the file). */
  latest(): Promise<ConfigRevision | undefined>;
  /** Stores the change as the next revision and audits it; RevisionConflictError when `baseRevision` is not the latest. */
  commit(commit: ConfigCommit): Promise<ConfigRevision>;
  audit(query: AuditQuery): Promise<AuditEntry[]>;
  close(): Promise<void>;
}
