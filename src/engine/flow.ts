import type { AppSpec } from './app.js';
import type { JsonTemplate } from './json-template.js';

/** One application object of a loaded schema, its arguments validated and compiled. */
export interface Step {
  app: AppSpec<unknown, unknown>;
  args: unknown;
  /** The arguments as written, compiled for its traces; absent when the app traces its arguments itself (`traceArgs`). */
  written?: JsonTemplate;
  /** JSON path of the application object, e.g. `[2].if.then[0]`. */
  path: string;
  tag?: string;
  break: boolean;
  async: boolean;
}

/** A compiled array of applications; nested arrays (if/switch branches) know where they sit. */
export class Flow {
  parent: { flow: Flow; index: number } | undefined;

  constructor(
    readonly steps: Step[],
    readonly path: string,
  ) {}
}

/** A position in a schema: the step at `index` of `flow`. */
export interface FlowPosition {
  flow: Flow;
  index: number;
}
