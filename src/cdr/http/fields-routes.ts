/**
 * What fields there are: `_field_caps` (with Kibana's `index_filter`: the
 * index counts only when the filter matches some CDR in it) and the field
 * mapping API (`_mapping/field/<fields>`, each field's type under its full
 * name).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isObject } from '../query/errors.js';
import { INDEX_NAME } from '../query/execute.js';
import { globToRegExp } from '../query/glob.js';
import { fieldCapabilities } from '../query/mapping-view.js';
import { CdrQueryError } from '../store.js';
import { checkIndex, type ClusterInfo } from './cluster-routes.js';
import { booleanParam, checkParams, listParam } from './params.js';
import type { Searcher } from './searcher.js';
import { jsonBody } from './wire.js';

type IndexParams = { Params: { index?: string; fields?: string } };
const FIELD_CAPS_BODY_KEYS = ['fields', 'index_filter', 'runtime_mappings'];

export function registerFieldsRoutes(app: FastifyInstance, info: ClusterInfo, searcher: Searcher): void {
  const fieldCaps = async (request: FastifyRequest<IndexParams>) => {
    const params = checkParams(request, ['fields', 'ignore_unavailable', 'allow_no_indices', 'expand_wildcards', 'include_unmapped', 'filters', 'types', 'include_empty_fields']);
    const body = jsonBody(request) ?? {};
    if (!isObject(body)) throw new CdrQueryError('parsing_exception', 'request body must be a JSON object');
    const unknown = Object.keys(body).find((key) => !FIELD_CAPS_BODY_KEYS.includes(key));
    if (unknown !== undefined) throw new CdrQueryError('parsing_exception', `request does not support [${unknown}]`);
    const bodyFields = body.fields;
    const patterns = listParam(params, 'fields') ?? (Array.isArray(bodyFields) ? bodyFields.map(String) : typeof bodyFields === 'string' ? bodyFields.split(',') : undefined);
    if (!patterns || patterns.length === 0) throw new CdrQueryError('action_request_validation_exception', 'Validation Failed: 1: no fields specified;');
    if (isObject(body.runtime_mappings) && Object.keys(body.runtime_mappings).length > 0) {
      throw new CdrQueryError('illegal_argument_exception', '[runtime_mappings] is not supported by callrouter: it needs scripts');
    }
    let covered = checkIndex(request.params.index, booleanParam(params, 'ignore_unavailable'));
    // Elasticsearch leaves out an index the filter can match nothing in (Kibana's time range): here, one with no match.
    if (covered && body.index_filter !== undefined) covered = (await searcher.count({ kind: 'all' }, { query: body.index_filter }, request)).count > 0;
    const filters = listParam(params, 'filters') ?? [];
    const fields = covered
      ? fieldCapabilities(info.mappedFields(), { patterns, withMetadata: !filters.includes('-metadata'), withParents: !filters.includes('-parent'), types: listParam(params, 'types') })
      : {};
    return { indices: covered ? [INDEX_NAME] : [], fields };
  };
  for (const url of ['/_field_caps', '/:index/_field_caps']) app.route({ method: ['GET', 'POST'], url, handler: fieldCaps });

  // `indices.get_field_mapping`: each field matched, under its full name, its type under its own (last) name.
  const fieldMapping = async (request: FastifyRequest<IndexParams>) => {
    const params = checkParams(request, ['include_defaults', 'ignore_unavailable', 'allow_no_indices', 'expand_wildcards', 'local']);
    if (!checkIndex(request.params.index, booleanParam(params, 'ignore_unavailable'))) return {};
    const matchers = request.params.fields!.split(',').map(globToRegExp);
    const mappings = Object.fromEntries(
      info
        .mappedFields()
        .filter(([field]) => matchers.some((matcher) => matcher.test(field)))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([field, type]) => [field, { full_name: field, mapping: { [field.split('.').at(-1)!]: { type } } }]),
    );
    return { [INDEX_NAME]: { mappings } };
  };
  for (const url of ['/_mapping/field/:fields', '/:index/_mapping/field/:fields']) app.get(url, fieldMapping);
}
