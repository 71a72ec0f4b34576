import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VariableTable } from './variable-table.js';

test('a table answers as a Map of strings after any mix of sets and deletes: values, size, characters and order', () => {
  const names = ['a', 'b', 'c', '__proto__', 'constructor', 'toString', '0', '10', 'sip_h_X-A', 'hasOwnProperty', 'x', 'y'];
  let seed = 7;
  const random = (below: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % below);
  for (let round = 0; round < 200; round++) {
    const table = new VariableTable();
    const map = new Map<string, string>();
    for (let step = 0; step < 60; step++) {
      const name = names[random(names.length)];
      if (random(4) === 0) assert.equal(table.delete(name), map.delete(name));
      else {
        const value = `${name}=${step}`;
        table.set(name, value);
        map.set(name, value);
      }
      for (const probe of names) assert.equal(table.get(probe), map.get(probe));
    }
    assert.equal(table.size, map.size);
    assert.equal(table.chars, [...map].reduce((chars, [name, value]) => chars + name.length + value.length, 0));
    assert.deepEqual([...table.entries()], [...map.entries()]);
    const visited: [string, string][] = [];
    table.forEach((value, name) => visited.push([name, value]));
    assert.deepEqual(visited, [...map.entries()]);
  }
});

test('a name set again keeps its place; one deleted and set again goes last', () => {
  const table = new VariableTable();
  for (const name of ['a', 'b', 'c']) table.set(name, name);
  table.set('a', 'A');
  assert.deepEqual([...table.entries()], [['a', 'A'], ['b', 'b'], ['c', 'c']]);
  table.delete('a');
  table.set('a', 'again');
  assert.deepEqual([...table.entries()], [['b', 'b'], ['c', 'c'], ['a', 'again']]);
});

test('names that mean something on objects are plain names, and no table sees another’s', () => {
  const one = new VariableTable();
  const other = new VariableTable();
  one.set('__proto__', 'x');
  assert.equal(one.get('__proto__'), 'x');
  assert.equal(other.get('__proto__'), undefined);
  assert.equal(one.get('toString'), undefined);
  assert.equal(other.size, 0);
});
