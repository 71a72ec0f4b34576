import type { AppSpec } from './app.js';
import { closestName } from '../closest-name.js';

/**
 * The applications a schema may use, handed to the schema loader by whoever
 * composes the router (the list itself is `src/apps/registry.ts`).
 */
export class AppRegistry {
  private readonly byName: ReadonlyMap<string, AppSpec<unknown, unknown>>;

  /**
   * @param apps every application that runs
   * @param unsupported names of the original's applications that do not run yet: rejected at load, never ignored
   */
  constructor(apps: readonly AppSpec<any, any>[], readonly unsupported: ReadonlySet<string> = new Set()) {
    this.byName = new Map(apps.map((app) => [app.name, app]));
  }

  /** Every application that runs, by name. */
  names(): string[] {
    return [...this.byName.keys()];
  }

  find(name: string): AppSpec<unknown, unknown> | undefined {
    return this.byName.get(name);
  }

  /** The closest known application name, if one is close enough to be a typo. */
  suggest(name: string): string | undefined {
    return closestName(name, [...this.byName.keys(), ...this.unsupported]);
  }
}
