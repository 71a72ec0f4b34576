/**
 * Index templates (composable `_index_template`, `_component_template`,
 * legacy `_template`): none are kept, since `cdr` exists from the start with
 * a dynamic mapping. Applications that make sure of their template at start
 * ask whether it exists first: they hear none exists (404, as Elasticsearch
 * answers), and a put is refused saying why.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { INDEX_NAME } from '../query/execute.js';
import { CdrQueryError } from '../store.js';
import { checkParams } from './params.js';

type NameParams = { Params: { name?: string } };

const READ_PARAMS = ['flat_settings', 'local', 'master_timeout', 'include_defaults'];
const WRITE_PARAMS = ['create', 'master_timeout', 'timeout', 'cause', 'order'];

/** The kinds: their path, the key listing them, and how a missing one is named. */
const KINDS = [
  { path: '_index_template', list: 'index_templates', noun: 'index template' },
  { path: '_component_template', list: 'component_templates', noun: 'component template' },
] as const;

function refusePut(noun: string, name: string): never {
  throw new CdrQueryError('illegal_argument_exception', `${noun} [${name}] cannot be put: callrouter keeps no templates; every CDR goes to the one index [${INDEX_NAME}], which exists with a dynamic mapping`);
}

export function registerTemplateRoutes(app: FastifyInstance): void {
  for (const { path, list, noun } of KINDS) {
    app.get(`/${path}`, async (request) => {
      checkParams(request, READ_PARAMS);
      return { [list]: [] };
    });
    const missing = async (request: FastifyRequest<NameParams>) => {
      checkParams(request, READ_PARAMS);
      throw new CdrQueryError('resource_not_found_exception', `${noun} matching [${request.params.name}] not found`, 404);
    };
    app.get(`/${path}/:name`, missing);
    app.delete(`/${path}/:name`, missing);
    app.route<NameParams>({
      method: ['PUT', 'POST'],
      url: `/${path}/:name`,
      handler: async (request) => {
        checkParams(request, WRITE_PARAMS);
        refusePut(noun, request.params.name!);
      },
    });
  }

  // Legacy templates: a missing one is a 404 with an empty object, as Elasticsearch answers.
  app.get('/_template', async (request) => {
    checkParams(request, READ_PARAMS);
    return {};
  });
  app.get<NameParams>('/_template/:name', async (request, reply: FastifyReply) => {
    checkParams(request, READ_PARAMS);
    return reply.status(404).send({});
  });
  app.route<NameParams>({
    method: ['PUT', 'POST'],
    url: '/_template/:name',
    handler: async (request) => {
      checkParams(request, WRITE_PARAMS);
      refusePut('template', request.params.name!);
    },
  });
}
