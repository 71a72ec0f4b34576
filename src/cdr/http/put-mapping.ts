/**
 * `PUT /cdr/_mapping` (`indices.put_mapping`), as applications send it at
 * start to make sure of their fields. The mapping here is dynamic: a field
 * takes its type from the first value written, and nothing is declared
 * ahead. So a mapping that agrees with the fields as mapped is acknowledged,
 * a type that differs is Elasticsearch's own conflict, and a field not
 * mapped yet, a mapping parameter or a mapping option is refused by name.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FieldType } from '../mapping.js';
import { isObject, type JsonObject } from '../query/errors.js';
import { CdrQueryError } from '../store.js';
import { checkIndex, type ClusterInfo } from './cluster-routes.js';
import { checkParams } from './params.js';
import { jsonBody } from './wire.js';

function illegal(reason: string): CdrQueryError {
  return new CdrQueryError('illegal_argument_exception', reason);
}

/** A field's declaration in `properties`: a type, or an object with properties of its own. */
function checkProperties(properties: unknown, prefix: string, mapped: ReadonlyMap<string, FieldType>): void {
  if (!isObject(properties)) throw new CdrQueryError('mapper_parsing_exception', `Expected map for property [properties] on field [${prefix || '_doc'}]`);
  for (const [name, declaration] of Object.entries(properties)) {
    const field = prefix === '' ? name : `${prefix}.${name}`;
    if (!isObject(declaration)) throw new CdrQueryError('mapper_parsing_exception', `Expected map for property [${field}]`);
    const parameter = Object.keys(declaration).find((key) => key !== 'type' && key !== 'properties');
    if (parameter !== undefined) throw illegal(`mapper [${field}]: mapping parameter [${parameter}] is not supported by callrouter: fields are mapped dynamically, with their type's defaults`);
    if (declaration.properties !== undefined || declaration.type === 'object') {
      if (declaration.type !== undefined && declaration.type !== 'object') throw illegal(`mapper [${field}] of type [${String(declaration.type)}] cannot have [properties]`);
      if (declaration.properties !== undefined) checkProperties(declaration.properties, field, mapped);
      continue;
    }
    if (typeof declaration.type !== 'string') throw new CdrQueryError('mapper_parsing_exception', `No type specified for field [${field}]`);
    const current = mapped.get(field);
    if (current === undefined) {
      throw illegal(`mapper [${field}] cannot be declared ahead: callrouter maps a field from the first CDR that holds it (text as keyword, whole numbers as long, others as double, true/false as boolean, the time fields as date)`);
    }
    if (current !== declaration.type) throw illegal(`mapper [${field}] cannot be changed from type [${current}] to [${declaration.type}]`);
  }
}

/** Checks a put-mapping body against the fields as mapped; throws what Elasticsearch (or callrouter's dynamic mapping) refuses. */
export function checkMappingUpdate(body: unknown, mapped: readonly [string, FieldType][]): void {
  if (!isObject(body)) throw new CdrQueryError('action_request_validation_exception', 'Validation Failed: 1: mapping source is missing;');
  const mapping: JsonObject = isObject(body._doc) && Object.keys(body).length === 1 ? body._doc : body;
  for (const [key, value] of Object.entries(mapping)) {
    if (key === 'properties') continue;
    // `dynamic: true` is what the mapping is; anything else would change how it maps.
    if (key === 'dynamic' && (value === true || value === 'true')) continue;
    throw illegal(`[${key}] is not supported by callrouter: the mapping is dynamic and maps each field from its first value`);
  }
  if (mapping.properties !== undefined) checkProperties(mapping.properties, '', new Map(mapped));
}

export function registerPutMappingRoute(app: FastifyInstance, info: ClusterInfo): void {
  const putMapping = async (request: FastifyRequest<{ Params: { index: string } }>) => {
    checkParams(request, ['timeout', 'master_timeout', 'ignore_unavailable', 'allow_no_indices', 'expand_wildcards', 'write_index_only']);
    if (!checkIndex(request.params.index)) return { acknowledged: true };
    checkMappingUpdate(jsonBody(request), info.mappedFields());
    return { acknowledged: true };
  };
  app.route({ method: ['PUT', 'POST'], url: '/:index/_mapping', handler: putMapping });
}
