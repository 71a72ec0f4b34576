import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateUuid, ownedText } from './index.js';

test('ownedText and generateUuid give the same text', () => {
  const value = 'Via: SIP/2.0/UDP 192.0.2.1'.slice(5);
  assert.equal(ownedText(value), value);
  const uuid = generateUuid();
  assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(generateUuid(), uuid);
});

test('ownedText copies text of any length and script unchanged', () => {
  for (const value of ['', 'a', 'Grüße 日本 \u{1F600}', 'x'.repeat(341), 'é'.repeat(400), '\ud800 lone surrogate'.slice(0)]) {
    const expected = Buffer.from(value, 'utf8').toString('utf8');
    assert.equal(ownedText(`<${value}>`.slice(1, -1)), expected);
  }
});
