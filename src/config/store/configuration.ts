/**
 * The running router's configuration: the latest stored revision, compiled,
 * and the one way to change it. A change is validated as a whole (so a
 * schema that does not compile is never saved), committed on the revision
 * it was made from, and then handed to the listeners (the router swaps its
 * routes and directory); calls already running keep what they started with.
 * When the router runs from its file (`configSource: "file"`) only a reload
 * of the file changes it.
 */
import type { SchemaLoader } from '../../engine/compile.js';
import { RevisionConflictError, type Actor, type AuditAction, type ConfigRevision, type ConfigStore, type StoredDomains } from './config-store.js';
import { checkDomains, prepareStored, type ConfigIssue, type DomainsCheck, type LoadContextOf, type PreparedDomains } from './stored-domains.js';

export interface RunningConfiguration extends ConfigRevision, PreparedDomains {}

export interface ConfigChange {
  /** The new domains (JSON: an API body may be anywhere in them) from the current ones; may throw to refuse (a stale If-Match). */
  edit(domains: StoredDomains): unknown;
  actor: Actor;
  action: AuditAction;
  object: string;
  domain?: string;
}

export type ChangeResult = { ok: true; configuration: RunningConfiguration } | { ok: false; issues: ConfigIssue[] };

/** Writes are refused: the router runs from its configuration file. */
export class ReadOnlyConfigurationError extends Error {
  override name = 'ReadOnlyConfigurationError';
}

const FILE = { actor: { kind: 'file', id: 'file', name: 'configuration file' }, object: 'domains' } as const;

/** What a new revision changed: the object and its domain, undefined for a whole configuration (import, reload, another process's revision). */
export interface AppliedChange {
  action: AuditAction;
  object: string;
  domain?: string;
}

type Listener = (configuration: RunningConfiguration, change: AppliedChange) => void | Promise<void>;

export class Configuration {
  #current: RunningConfiguration;
  readonly #listeners = new Set<Listener>();
  /** Changes run one at a time: each validates against the revision the previous one left. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly store: ConfigStore,
    private readonly loader: SchemaLoader,
    private readonly contextOf: LoadContextOf | undefined,
    current: RunningConfiguration,
    /** Set when the file is the configuration: why API writes are refused. */
    readonly readOnly: string | undefined,
  ) {
    this.#current = current;
  }

  /**
   * From the store's latest revision; on first start (nothing stored) or
   * when the file is the configuration and says something else, the file's
   * domains are committed first. Throws ConfigDomainsError when they do not validate.
   */
  static async open(options: {
    store: ConfigStore;
    loader: SchemaLoader;
    /** The configuration file's domains, schema files already read in (domainsFromFile). */
    fileDomains: unknown;
    fromFile: boolean;
    /** Each domain's media folder, so that a schema playing a missing file is refused when saved. */
    contextOf?: LoadContextOf;
  }): Promise<{ configuration: Configuration; imported: boolean; fileDiffers: boolean }> {
    const { store, loader, contextOf } = options;
    const latest = await store.latest();
    const readOnly = options.fromFile ? 'the router runs from its configuration file (configSource "file"): edit it and send SIGHUP' : undefined;
    const running = latest ? { ...latest, ...(await prepareStored(latest.domains, loader, contextOf)) } : { revision: 0, domains: [], routeSchemas: new Map(), objectRevisions: new Map() };
    const configuration = new Configuration(store, loader, contextOf, running, readOnly);
    if (latest && !options.fromFile) {
      const file = await configuration.check(options.fileDomains);
      return { configuration, imported: false, fileDiffers: !file.ok || !isSame(file.domains, latest.domains) };
    }
    const result = await configuration.#commit(() => options.fileDomains, { ...FILE, action: latest ? 'reload' : 'import' });
    if (!result.ok) throw new ConfigDomainsError(result.issues);
    return { configuration, imported: latest === undefined, fileDiffers: false };
  }

  get current(): RunningConfiguration {
    return this.#current;
  }

  onChange(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** An API change: refused when the file is the configuration. */
  change(change: ConfigChange): Promise<ChangeResult> {
    if (this.readOnly) return Promise.reject(new ReadOnlyConfigurationError(this.readOnly));
    return this.#serially(async () => {
      try {
        return await this.#commit(change.edit, change);
      } catch (error) {
        // Another process stored a revision meanwhile: run it, so that the change can be made again on top of it.
        if (error instanceof RevisionConflictError) await this.#takeLatest();
        throw error;
      }
    });
  }

  /** The file's domains again (SIGHUP): a new revision when they differ from the running ones. */
  reloadFile(fileDomains: unknown): Promise<ChangeResult> {
    return this.#serially(() => this.#commit(() => fileDomains, { ...FILE, action: 'reload' }));
  }

  /** Validates domains as a change would, saving nothing. */
  check(domains: unknown): Promise<DomainsCheck> {
    return checkDomains(domains, this.loader, this.contextOf);
  }

  /** Takes a newer revision another process stored (`callrouter config import`, another router): the running one otherwise. */
  refresh(): Promise<RunningConfiguration> {
    return this.#serially(async () => {
      await this.#takeLatest();
      return this.#current;
    });
  }

  audit: ConfigStore['audit'] = (query) => this.store.audit(query);

  #serially<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #commit(edit: ConfigChange['edit'], what: Pick<ConfigChange, 'actor' | 'action' | 'object' | 'domain'>): Promise<ChangeResult> {
    const current = this.#current;
    const checked = await this.check(edit(current.domains));
    if (!checked.ok) return checked;
    if (current.revision > 0 && isSame(current.domains, checked.domains)) return { ok: true, configuration: current };
    const committed = await this.store.commit({ ...what, baseRevision: current.revision, domains: checked.domains });
    await this.#take({ ...committed, routeSchemas: checked.routeSchemas }, { action: what.action, object: what.object, domain: what.domain });
    return { ok: true, configuration: this.#current };
  }

  async #takeLatest(): Promise<void> {
    const latest = await this.store.latest();
    if (latest && latest.revision !== this.#current.revision) {
      await this.#take({ ...latest, ...(await prepareStored(latest.domains, this.loader, this.contextOf)) }, { action: 'reload', object: 'domains' });
    }
  }

  async #take(next: RunningConfiguration, change: AppliedChange): Promise<void> {
    this.#current = next;
    for (const listener of this.#listeners) await listener(next, change);
  }
}

export class ConfigDomainsError extends Error {
  readonly problems: string[];

  constructor(readonly issues: ConfigIssue[]) {
    const problems = issues.map((issue) => `${issue.path}: ${issue.message}`);
    super(`invalid configuration:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'ConfigDomainsError';
    this.problems = problems;
  }
}

function isSame(a: StoredDomains, b: StoredDomains): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
