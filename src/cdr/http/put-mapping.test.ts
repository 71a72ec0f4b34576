import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FieldType } from '../mapping.js';
import { CdrQueryError } from '../store.js';
import { checkMappingUpdate } from './put-mapping.js';

const MAPPED: [string, FieldType][] = [
  ['User ID', 'keyword'],
  ['Call duration', 'long'],
  ['Call start time', 'date'],
  ['variables.uuid', 'keyword'],
];

const refused = (body: unknown, reason: RegExp, type = 'illegal_argument_exception') =>
  assert.throws(() => checkMappingUpdate(body, MAPPED), (error: unknown) => error instanceof CdrQueryError && error.type === type && reason.test(error.reason));

describe('put mapping against the dynamic mapping', () => {
  it('acknowledges what agrees with the fields as mapped, nested objects and dynamic: true included', () => {
    checkMappingUpdate({ properties: { 'User ID': { type: 'keyword' }, variables: { properties: { uuid: { type: 'keyword' } } } } }, MAPPED);
    checkMappingUpdate({ dynamic: true, properties: { 'Call start time': { type: 'date' }, variables: { type: 'object', properties: {} } } }, MAPPED);
    checkMappingUpdate({ _doc: { properties: { 'Call duration': { type: 'long' } } } }, MAPPED);
  });

  it('refuses a changed type as Elasticsearch does, and what cannot be declared here by name', () => {
    refused({ properties: { 'Call duration': { type: 'integer' } } }, /^mapper \[Call duration\] cannot be changed from type \[long\] to \[integer\]$/);
    refused({ properties: { variables: { properties: { uuid: { type: 'text' } } } } }, /^mapper \[variables\.uuid\] cannot be changed from type \[keyword\] to \[text\]$/);
    refused({ properties: { Team: { type: 'keyword' } } }, /^mapper \[Team\] cannot be declared ahead/);
    refused({ properties: { 'User ID': { type: 'keyword', ignore_above: 256 } } }, /mapping parameter \[ignore_above\] is not supported/);
    refused({ dynamic: 'strict' }, /^\[dynamic\] is not supported/);
    refused({ runtime: {} }, /^\[runtime\] is not supported/);
    refused({ properties: { 'User ID': {} } }, /^No type specified for field \[User ID\]$/, 'mapper_parsing_exception');
    refused('nope', /mapping source is missing/, 'action_request_validation_exception');
  });
});
