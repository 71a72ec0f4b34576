import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BRANCH_MAGIC_COOKIE, buildResponse, generateBranch, generateCallId, generateTag, reasonPhrase, SipHeaders } from './index.js';
import { isToken } from './syntax.js';

function invite(to = '<sip:bob@example.com>'): { headers: SipHeaders } {
  const headers = new SipHeaders()
    .append('via', 'SIP/2.0/UDP pc33.example.com;branch=z9hG4bKnashds8;received=192.0.2.1')
    .append('via', 'SIP/2.0/UDP proxy.example.com;branch=z9hG4bK2')
    .set('max-forwards', '70')
    .set('from', 'Alice <sip:alice@example.com>;tag=1928301774')
    .set('to', to)
    .set('call-id', 'a84b4c76e66710')
    .set('cseq', '314159 INVITE')
    .set('timestamp', '54')
    .set('contact', '<sip:alice@pc33.example.com>');
  return { headers };
}

describe('buildResponse (RFC 3261 §8.2.6)', () => {
  it('copies Via (all, in order), From, To, Call-ID, CSeq and nothing else', () => {
    const request = invite();
    const response = buildResponse(request, 486);
    assert.equal(response.reason, 'Busy Here');
    assert.deepEqual([...response.headers].map(([name]) => name), ['via', 'from', 'to', 'call-id', 'cseq']);
    assert.deepEqual(response.headers.getAll('via'), request.headers.getAll('via'));
    assert.equal(response.body.length, 0);
  });

  it('adds the To tag only when To has none', () => {
    assert.equal(buildResponse(invite(), 200, undefined, undefined, 'abc').headers.get('to'), '<sip:bob@example.com>;tag=abc');
    assert.equal(buildResponse(invite('<sip:bob@example.com>;tag=old'), 200, undefined, undefined, 'abc').headers.get('to'), '<sip:bob@example.com>;tag=old');
  });

  it('echoes Timestamp in 100 Trying only, takes a reason and extra headers', () => {
    assert.equal(buildResponse(invite(), 100).headers.get('timestamp'), '54');
    assert.equal(buildResponse(invite(), 180).headers.has('timestamp'), false);
    const challenge = buildResponse(invite(), 401, 'Who Are You', { 'WWW-Authenticate': ['Digest realm="a"', 'Digest realm="b"'] });
    assert.equal(challenge.reason, 'Who Are You');
    assert.deepEqual(challenge.headers.getAll('www-authenticate'), ['Digest realm="a"', 'Digest realm="b"']);
  });

  it('has default reason phrases, with a class phrase for unknown codes', () => {
    assert.equal(reasonPhrase(200), 'OK');
    assert.equal(reasonPhrase(481), 'Call/Transaction Does Not Exist');
    assert.equal(reasonPhrase(499), 'Client Error');
  });
});

describe('identifiers', () => {
  it('are random tokens; branches carry the magic cookie', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      for (const id of [generateBranch(), generateTag(), generateCallId()]) {
        assert.ok(isToken(id), id);
        assert.ok(!seen.has(id), `repeated ${id}`);
        seen.add(id);
      }
    }
    assert.ok(generateBranch().startsWith(BRANCH_MAGIC_COOKIE));
    assert.ok(generateTag().length >= 8);
  });
});
