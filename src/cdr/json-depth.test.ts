import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkJsonDepth } from './json-depth.js';

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('checkJsonDepth', () => {
  it('takes JSON nested up to the maximum and refuses it one level deeper', () => {
    checkJsonDepth(nested(1_000));
    checkJsonDepth(`{"a":${nested(3)}}`, 4);
    assert.throws(() => checkJsonDepth(nested(1_001)), { type: 'x_content_parse_exception' });
    assert.throws(() => checkJsonDepth(`{"a":${nested(4)}}`, 4), { type: 'x_content_parse_exception' });
  });

  it('counts only brackets outside strings, however many a string holds', () => {
    checkJsonDepth(`{"note":"${'{['.repeat(2_000)}"}`);
    checkJsonDepth(`{"note":"\\"${'['.repeat(10)}"}`, 2);
    assert.throws(() => checkJsonDepth(`{"note":"${'['.repeat(10)}","a":${nested(2)}}`, 2), { type: 'x_content_parse_exception' });
  });
});
