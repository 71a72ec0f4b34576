import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SipHeaders } from './types.js';

describe('SipHeaders', () => {
  it('finds a field by its name in any case, and tells an absent one in any case', () => {
    const headers = new SipHeaders().set('X-Custom', 'a').append('x-custom', 'b').set('call-id', 'c');
    assert.deepEqual(headers.getAll('X-CUSTOM'), ['a', 'b']);
    assert.equal(headers.get('x-custom'), 'a');
    assert.equal(headers.count('X-Custom'), 2);
    assert.equal(headers.get('Call-ID'), 'c');
    assert.ok(headers.has('CALL-ID'));
    assert.equal(headers.get('Subject'), undefined);
    assert.equal(headers.get('subject'), undefined);
    assert.equal(headers.has('Timestamp'), false);
  });
});
