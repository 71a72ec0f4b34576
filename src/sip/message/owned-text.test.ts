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
