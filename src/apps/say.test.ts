import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sayStringOf, sayText } from './say.js';

describe('say', () => {
  it('reads a number as written, iterated and spelled types one character at a time', () => {
    assert.equal(sayText('125', 'NUMBER pronounced'), '125');
    assert.equal(sayText('125', 'number iterated'), '1 2 5');
    assert.equal(sayText('067 123', 'TELEPHONE_NUMBER pronounced'), '0 6 7 1 2 3');
  });

  it('takes ${say_string …} apart: language, type and method, and the value with its own variables', () => {
    const say = sayStringOf('${say_string en.wav en number pronounced ${cc_my_position}}');
    assert.deepEqual(say && { language: say.language, method: say.method, value: say.value.text }, { language: 'en', method: 'number pronounced', value: '${cc_my_position}' });
    assert.equal(sayStringOf('ivr/ivr-you_are_number.wav'), undefined);
  });
});
