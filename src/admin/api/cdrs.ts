/** `POST /api/v1/cdrs/search`: an Elasticsearch search request over the CDR store, kept to the token's domain. */
import { z, type ZodType } from 'zod';
import { CdrQueryError, type CdrSearcher, type SearchResponse } from '../../cdr/store.js';
import { ApiError } from './api-error.js';
import type { ApiRoutes } from './api-route.js';

const hit = z
  .object({ _index: z.string(), _id: z.string(), _score: z.number().nullable(), _source: z.record(z.unknown()).optional() })
  .passthrough();

const searchResponse = z
  .object({
    took: z.number(),
    hits: z.object({ total: z.object({ value: z.number(), relation: z.enum(['eq', 'gte']) }).optional(), max_score: z.number().nullable(), hits: z.array(hit) }).passthrough(),
    aggregations: z.record(z.unknown()).optional(),
  })
  .passthrough();

export function cdrRoutes(routes: ApiRoutes, store: CdrSearcher): void {
  routes.add({
    method: 'POST',
    url: '/cdrs/search',
    summary: 'Search CDRs with an Elasticsearch request body (query, sort, size, aggs…); a domain-admin sees its domain only',
    permission: 'cdr.read',
    body: z.record(z.unknown()).default({}),
    // Checked at run time; the store's own type is the precise one.
    response: searchResponse as unknown as ZodType<SearchResponse, any, unknown>,
    handler: async ({ body, domainScope }) => {
      try {
        return await store.search(body, { domain: domainScope });
      } catch (error) {
        if (error instanceof CdrQueryError) throw new ApiError(error.status, `${error.type}: ${error.reason}`);
        throw error;
      }
    },
  });
}
