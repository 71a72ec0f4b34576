/**
 * Serves the web console (built from console/ into dist/console/ by `npm
 * run build`) without a token: the page holds no data, it asks for a token
 * and calls the API with it. `/` is the console only for browsers (Accept:
 * text/html), so that `GET /` stays free for Elasticsearch clients.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/** From src/admin (tsx) and dist/admin (compiled) alike: the repository's dist/console. */
const BUILT = fileURLToPath(new URL('../../dist/console/', import.meta.url));
const ASSETS: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.js.map': 'application/json',
  'app.css': 'text/css; charset=utf-8',
};

/** Routes constrained by it match browsers asking for a page; requests without it go to the unconstrained route. */
const pageRequests = {
  name: 'page',
  storage() {
    const handlers = new Map<string, unknown>();
    return { get: (value: string) => (handlers.get(value) ?? null) as never, set: (value: string, handler: unknown) => void handlers.set(value, handler) };
  },
  deriveConstraint: (request: { headers: Record<string, string | string[] | undefined> }) =>
    String(request.headers.accept ?? '').includes('text/html') ? 'html' : undefined,
  mustMatchWhenDerived: false,
};

export async function consolePlugin(app: FastifyInstance, options: { directory?: string } = {}): Promise<void> {
  const directory = options.directory ?? BUILT;
  const open = { access: { public: true } } as const;
  const file = async (name: string) => {
    try {
      return await readFile(`${directory}${name}`);
    } catch {
      return undefined;
    }
  };
  if (!app.hasConstraintStrategy('page')) app.addConstraintStrategy(pageRequests);
  app.get('/', { config: open, constraints: { page: 'html' } }, async (_request, reply) => {
    const page = await file('index.html');
    if (!page) return reply.code(503).type('text/plain; charset=utf-8').send('The web console is not built: run npm run build');
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page);
  });
  app.get<{ Params: { asset: string } }>('/console/:asset', { config: open }, async (request, reply) => {
    const type = ASSETS[request.params.asset];
    const content = type && (await file(request.params.asset));
    if (!content) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no console file ${request.params.asset}` });
    return reply.type(type).header('cache-control', 'no-cache').send(content);
  });
}
