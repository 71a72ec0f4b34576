/**
 * CdrMapping.index: the values kept, the fields a document newly maps, and
 * which refusal a document with several problems gets — the same whether the
 * one walk over its leaves takes it or it is read again field by field.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CdrMapping, MappingError, MappingLimitError } from './mapping.js';

const LIMITS = { totalFieldsLimit: 1_000, mappingDepthLimit: 20 };

describe('CdrMapping.index', () => {
  it('keeps the asked-for values coerced, in the order of their first leaf, and maps new fields by their first value', () => {
    const mapping = new CdrMapping();
    const indexed = mapping.index(
      { 'Call start time': '2026-11-24T11:00:00.000Z', legs: [{ n: 1 }, { n: '2', s: 'x' }], 'User ID': 101, flag: true },
      new Set(['legs.n', 'Call start time', 'User ID']),
      LIMITS,
    );
    assert.deepEqual([...indexed.values], [
      ['Call start time', [Date.parse('2026-11-24T11:00:00.000Z')]],
      ['legs.n', [1, 2]],
      ['User ID', ['101']],
    ]);
    assert.deepEqual(indexed.added, [
      ['legs.n', 'long'],
      ['legs.s', 'keyword'],
      ['flag', 'boolean'],
    ]);
  });

  it("reports the first field's refusal, even where a walk over the leaves meets another field's first", () => {
    const mapping = new CdrMapping([
      ['a.x', 'long'],
      ['a.y', 'long'],
    ]);
    assert.throws(
      () => mapping.index({ a: [{ x: 1 }, { y: 'not-y' }, { x: 'not-x' }] }, new Set(), LIMITS),
      (error: unknown) => error instanceof MappingError && error.field === 'a.x',
    );
  });

  it('refuses an object where a field holds values, and a value where fields are an object\'s, as Elasticsearch does', () => {
    const mapping = new CdrMapping([
      ['title', 'keyword'],
      ['a.b', 'long'],
    ]);
    const refusal = (document: Record<string, unknown>) => {
      try {
        mapping.index(document, new Set(), LIMITS);
      } catch (error) {
        assert.ok(error instanceof MappingError);
        return error.message;
      }
      assert.fail('the document was taken');
    };
    assert.equal(refusal({ title: { foo: 'bar' } }), 'failed to parse field [title] of type [keyword]: found an object with field [title.foo]');
    assert.equal(refusal({ 'title.foo': 'bar' }), 'failed to parse field [title] of type [keyword]: found an object with field [title.foo]');
    assert.equal(refusal({ a: 'x' }), 'object mapping for [a] tried to parse field [a] as object, but found a concrete value');
    assert.equal(refusal({ c: 1, x: { y: 1 }, 'x.y.z': 2 }), 'failed to parse field [x.y] of type [long]: found an object with field [x.y.z]');
    assert.equal(refusal({ n: [1, { m: 2 }] }), 'failed to parse field [n] of type [long]: found an object with field [n.m]');
    // Channel variables are flat names: one call's `a` and another's `a.b` are both kept.
    assert.deepEqual(mapping.index({ variables: { a: 'x', 'a.b': 'y' } }, new Set(), LIMITS).added, [
      ['variables.a', 'keyword'],
      ['variables.a.b', 'keyword'],
    ]);
    assert.deepEqual(mapping.index({ title: 'x', a: { b: 1, c: 'new' }, 'titles.foo': 'y' }, new Set(), LIMITS).added, [
      ['a.c', 'keyword'],
      ['titles.foo', 'keyword'],
    ]);
  });

  it('refuses a document past the field limit for that, before any of its values', () => {
    const mapping = new CdrMapping();
    const fixed = mapping.size;
    assert.throws(
      () => mapping.index({ 'Call start time': 'not a date', one: 1, two: 2 }, undefined, { ...LIMITS, totalFieldsLimit: fixed + 1 }),
      (error: unknown) => error instanceof MappingLimitError && /exceeded while adding new fields \[2\]/.test(error.message),
    );
    assert.throws(
      () => mapping.index({ deep: { er: { than: 1 } }, 'Call start time': 'not a date' }, undefined, { ...LIMITS, mappingDepthLimit: 1 }),
      (error: unknown) => error instanceof MappingLimitError && /mapping depth/.test(error.message),
    );
  });
});
