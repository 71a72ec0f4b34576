import type RE2 from 're2';
import type { RoutedDomain } from './settings.js';
import type { CompiledSchema } from '../engine/compile.js';
import { compileDestinationPattern } from './destination-pattern.js';
import { withoutSeparators, type NationalFormat } from './did.js';
import { indexDids } from './did-index.js';
import { routePath, type RouteSchemas } from './route-schemas.js';

/** A configured route, ready to run on any number of calls. */
export interface Route {
  kind: 'public' | 'default' | 'extension';
  /** As configured; for an extension route `extension <id>`. */
  name: string;
  /** Its place in the configuration, for logs and traces: `domains[0].routes.public[1]`. */
  path: string;
  /** The domain the call runs in. */
  domain: string;
  schema: CompiledSchema;
  /** Set on the call before the schema runs. */
  variables: Readonly<Record<string, string>>;
  /** A public route's domain's `routes.nationalFormat`: callers' numbers are put in national form with it. */
  nationalFormat?: NationalFormat;
}

/**
 * Which route runs a call. `captures` are a default route's match — the whole
 * match, then each group, "" for a group that took no part — for the schema's
 * `&reg0.$0`, `&reg0.$1`…; empty for other routes. Without a route the call is
 * refused with 404 and `reason` is logged.
 */
export type RouteSelection = RouteMatch | { found: false; reason: string };
export type RouteMatch = { found: true; route: Route; captures: readonly string[] };

/** Where a call to a public number comes from: a configured gateway of any domain, or an unknown source. */
export type PublicSource = 'gateway' | 'anonymous';

interface PublicEntry {
  selection: RouteMatch;
  allowsAnonymous: boolean;
}

interface DomainRoutes {
  /** User id → that user's own schema. */
  extensions: Map<string, RouteMatch>;
  /** Default routes in configured order. */
  patterns: { pattern: RE2; route: Route }[];
}

const NO_CAPTURES: readonly string[] = Object.freeze([]);

/**
 * The routes of every domain, built once when the configuration loads:
 * selection is one Map lookup for a public number, one per domain plus a test
 * of each default pattern in order for a user's call, and allocates only a
 * default route's captures.
 */
export class RouteTable {
  readonly #dids: Map<string, PublicEntry>;
  readonly #domains: Map<string, DomainRoutes>;

  private constructor(dids: Map<string, PublicEntry>, domains: Map<string, DomainRoutes>) {
    this.#dids = dids;
    this.#domains = domains;
  }

  /**
   * From a validated configuration (DIDs unique, patterns valid) and its
   * compiled schemas; throws only when a schema is missing, which is a bug.
   */
  static build(config: { domains: readonly RoutedDomain[] }, schemas: RouteSchemas): RouteTable {
    const schemaAt = (path: string): CompiledSchema => {
      const schema = schemas.get(path);
      if (!schema) throw new Error(`no compiled schema for ${path}`);
      return schema;
    };
    const publicRoutes = config.domains.map((domain, d) =>
      domain.routes.public.map(({ name, variables }, r): PublicEntry => {
        const path = routePath.public(d, r);
        const route: Route = { kind: 'public', name, path, domain: domain.name, schema: schemaAt(path), variables, nationalFormat: domain.routes.nationalFormat };
        return { selection: { found: true, route, captures: NO_CAPTURES }, allowsAnonymous: domain.allowAnonymousPublic };
      }),
    );
    const dids = new Map<string, PublicEntry>();
    for (const [form, place] of indexDids(config.domains).owners) dids.set(form, publicRoutes[place.domain][place.route]);

    const domains = new Map<string, DomainRoutes>();
    config.domains.forEach((domain, d) => {
      const extensions = new Map<string, RouteMatch>();
      domain.users.forEach((user, u) => {
        if (user.schema === undefined) return;
        const path = routePath.extension(d, u);
        const route: Route = { kind: 'extension', name: `extension ${user.id}`, path, domain: domain.name, schema: schemaAt(path), variables: {} };
        extensions.set(user.id, { found: true, route, captures: NO_CAPTURES });
      });
      const patterns = domain.routes.default.map(({ name, pattern, variables }, r) => {
        const path = routePath.default(d, r);
        const route: Route = { kind: 'default', name, path, domain: domain.name, schema: schemaAt(path), variables };
        return { pattern: compileDestinationPattern(pattern), route };
      });
      domains.set(domain.name, { extensions, patterns });
    });
    return new RouteTable(dids, domains);
  }

  /**
   * A call from outside to `number` (the Request-URI's user part). The
   * route's domain becomes the call's. An unknown source is refused like an
   * unknown number unless the route's domain allows anonymous public calls,
   * so that probing does not tell which numbers exist.
   */
  selectPublic(number: string, source: PublicSource): RouteSelection {
    const entry = this.#dids.get(withoutSeparators(number));
    if (!entry) return { found: false, reason: `no public route for the number "${number}"` };
    if (source === 'anonymous' && !entry.allowsAnonymous) {
      const { route } = entry.selection;
      return { found: false, reason: `${route.path} (domain ${route.domain}) takes "${number}" only from gateways: allowAnonymousPublic is off` };
    }
    return entry.selection;
  }

  /**
   * A call from a registered user of `domain` to `destination`: the called
   * user's own schema when it has one, else the first default route whose
   * pattern matches.
   */
  selectFromUser(domain: string, destination: string): RouteSelection {
    const routes = this.#domains.get(domain);
    if (!routes) return { found: false, reason: `no domain "${domain}"` };
    const extension = routes.extensions.get(destination);
    if (extension) return extension;
    for (const { pattern, route } of routes.patterns) {
      // RE2 tells whether it matches far faster than where its groups are; most patterns do not match.
      const match = pattern.test(destination) ? pattern.exec(destination) : null;
      if (match) return { found: true, route, captures: Array.from(match, (group) => group ?? '') };
    }
    return { found: false, reason: `no default route of ${domain} matches "${destination}"` };
  }
}
