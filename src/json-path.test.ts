import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatJsonPath, parseJsonPath } from './json-path.js';

it('parseJsonPath reads back what formatJsonPath writes', () => {
  const paths: (string | number)[][] = [[], [2, 'if', 'then', 0, 'bridge', 'endpoints', 0, 'type'], ['phones', '101'], [0, 'setVar', 'a "quoted" name.with dots'], ['$x', 10]];
  for (const path of paths) assert.deepEqual(parseJsonPath(formatJsonPath(path)), path, formatJsonPath(path));
  assert.throws(() => parseJsonPath('[0].bridge..x'), /not a schema path at 10/);
});
