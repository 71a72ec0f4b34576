import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allowedEdits, compileFuzzy, editDistance } from './fuzzy.js';

/** Every cell of the table: the definition the banded computation must agree with. */
function fullDistance(a: string[], b: string[], transpositions: boolean): number {
  const table = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      table[i][j] = Math.min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (transpositions && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) table[i][j] = Math.min(table[i][j], table[i - 2][j - 2] + 1);
    }
  }
  return table[a.length][b.length];
}

describe('fuzzy edit distance', () => {
  it('agrees with the whole table, up to the limit, on every pair of short strings over a small alphabet', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const word = () => Array.from({ length: Math.floor(random() * 8) }, () => 'abc'[Math.floor(random() * 3)]);
    for (let round = 0; round < 5_000; round++) {
      const [a, b] = [word(), word()];
      for (const limit of [0, 1, 2]) {
        for (const transpositions of [true, false]) {
          const expected = Math.min(fullDistance(a, b, transpositions), limit + 1);
          assert.equal(editDistance(a, b, limit, transpositions), expected, `${a.join('')} ~ ${b.join('')}, limit ${limit}, transpositions ${transpositions}`);
        }
      }
    }
  });

  it('costs a long value its length, not its length squared', () => {
    const long = [...'0123456789'.repeat(20_000)];
    const typo = [...long];
    typo[100_000] = 'x';
    // The whole table would be 4·10¹⁰ cells: computed that way, this test would not end.
    assert.equal(editDistance(long, typo, 2, true), 1);
    assert.equal(compileFuzzy(long.join(''), { fuzziness: 'AUTO', prefixLength: 0, transpositions: true }).test(typo.join('')), true);
  });

  it('AUTO and AUTO:low,high as Elasticsearch counts them', () => {
    assert.deepEqual([0, 2, 3, 5, 6, 40].map((length) => allowedEdits('AUTO', length)), [0, 0, 1, 1, 2, 2]);
    assert.deepEqual([3, 4, 7, 8].map((length) => allowedEdits('AUTO:4,8', length)), [0, 1, 1, 2]);
    assert.throws(() => allowedEdits('AUTO:8,4', 3), /low distance must not exceed/);
  });
});
