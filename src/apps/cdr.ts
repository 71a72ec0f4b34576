import { z } from 'zod';
import type { AppSpec } from '../engine/app.js';
import { variableName, webitelObject } from './args.js';
import { compileElasticRequest, renderElasticRequest } from './cdr-request.js';
import { compileResponsePath, readResponsePath, type ResponsePath } from './response-path.js';

type CompiledRequest = ReturnType<typeof compileElasticRequest>;

interface CdrArgs {
  request: CompiledRequest;
  exports: [name: string, path: ResponsePath][];
}

const elastic = webitelObject({
  limit: z.union([z.number().int().min(0).max(10_000), z.string()]).optional(),
  sort: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown()), z.string()]).optional(),
  query: z.string().optional(),
  columns: z.array(z.string()).optional(),
  columnsDate: z.array(z.string()).optional(),
  filter: z.union([z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown()))]).optional(),
  aggs: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  /** Webitel's index pattern (`cdr-a*`): callrouter keeps every leg in one store, so it only names what was meant. */
  index: z.string().min(1).optional(),
  pageNumber: z.union([z.number().int().min(1), z.string()]).optional(),
  includes: z.array(z.string()).optional(),
  /** Scrolling needs several requests; one `cdr` step reads one page. */
  scroll: z.string().optional(),
});

/**
 * `cdr`: searches the call detail records of the call's domain with the
 * Elasticsearch query language and exports values of the response into variables.
 */
export const cdrApp: AppSpec<CdrArgs, unknown> = {
  name: 'cdr',
  searchesCdrs: true,
  args: webitelObject({ elastic, exportVar: z.record(variableName, z.string()).default({}) })
    .transform((args) => ({
      request: compileElasticRequest(args.elastic),
      exports: Object.entries(args.exportVar).map(([name, path]): [string, ResponsePath] => [name, compileResponsePath(path)]),
    })),
  // Rendered once: the trace shows the very request the search is given.
  substitute: (args, ctx) => renderElasticRequest(args.request, ctx.variables),
  traceArgs: (_args, _ctx, request) => ({ request }),
  async run(ctx, args, request) {
    const response = await ctx.services.cdr.search(request, {
      now: ctx.clock.now(),
      domain: ctx.domainName || undefined,
    });
    for (const [name, path] of args.exports) ctx.setVariable(name, readResponsePath(response, path));
    const total = response.hits.total?.value;
    return { result: `${response.hits.hits.length} hit(s)${total === undefined ? '' : ` of ${total}`}` };
  },
};
