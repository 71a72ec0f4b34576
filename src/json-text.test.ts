import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJsonText } from './json-text.js';

test('a JSON syntax error names its line and column', () => {
  assert.throws(() => parseJsonText('{\n  "a": 1,\n  b: 2\n}'), /at line 3, column 3$/);
  assert.throws(() => parseJsonText('[1, 2'), /at line 1, column 6$/);
  assert.throws(() => parseJsonText(''), /at line 1, column 1$/);
});

test('valid JSON parses as JSON.parse does', () => {
  assert.deepEqual(parseJsonText('{"a":[1,"x",null]}'), { a: [1, 'x', null] });
});
