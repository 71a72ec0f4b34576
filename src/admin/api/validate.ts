/**
 * `POST /api/v1/validate`: checks a routing schema as `callrouter validate`
 * does and says where each error is — the JSON path as text and as
 * segments, so an editor can underline the very value.
 */
import { z } from 'zod';
import { appRegistry } from '../../apps/registry.js';
import { SchemaLoader } from '../../engine/compile.js';
import { parseJsonPath } from '../../engine/json-path.js';
import { jsonPath } from './api-error.js';
import type { ApiRoutes } from './api-route.js';

const schemaIssue = z.object({
  /** `$[0].bridge.strategy`: the path in the schema. */
  path: z.string(),
  /** The same path as keys and indexes: `[0, "bridge", "strategy"]`. */
  segments: z.array(z.union([z.string(), z.number().int()])),
  message: z.string(),
});

export function validateRoutes(routes: ApiRoutes): void {
  const loader = new SchemaLoader(appRegistry);
  routes.add({
    method: 'POST',
    url: '/validate',
    summary: 'Check a routing schema (as `callrouter validate`): every error with its JSON path; nothing is saved or run',
    permission: 'trace.run',
    body: z.object({ schema: z.unknown() }).strict(),
    response: z.object({ valid: z.boolean(), errors: z.array(schemaIssue) }),
    handler: async ({ body }) => {
      const loaded = loader.load(body.schema);
      if (loaded.ok) return { valid: true, errors: [] };
      return { valid: false, errors: loaded.errors.map((error) => ({ path: jsonPath('$', error.path), segments: segmentsOf(error.path), message: error.message })) };
    },
  });
}

/** A path no editor can place (none is known) marks the whole schema. */
function segmentsOf(path: string): (string | number)[] {
  try {
    return parseJsonPath(path);
  } catch {
    return [];
  }
}
