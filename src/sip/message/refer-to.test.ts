import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReferTo, parseReplaces } from './index.js';

function target(...values: string[]) {
  const parsed = parseReferTo(values);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.reason);
  return parsed.value;
}

function refusal(...values: string[]): string {
  const parsed = parseReferTo(values);
  assert.ok(!parsed.ok, 'expected a refusal');
  assert.equal(parsed.error.status, 400);
  return parsed.error.reason;
}

describe('Refer-To (RFC 3515 §2.1)', () => {
  it('reads the name-addr forms: display name quoted or not, URI parameters, header parameters', () => {
    const quoted = target('"Front Desk" <sip:103@example.com;user=phone>;x-extra=1');
    assert.equal(quoted.address.displayName, 'Front Desk');
    assert.equal(quoted.address.uri.user, '103');
    assert.equal(quoted.address.uri.host, 'example.com');
    assert.equal(quoted.address.uri.params.get('user'), 'phone');
    assert.equal(quoted.address.params.get('x-extra'), '1');
    assert.equal(quoted.replaces, undefined);
    assert.equal(target('Front Desk <sip:103@example.com>').address.displayName, 'Front Desk');
  });

  it('reads a bare addr-spec, whose ;params belong to the header', () => {
    const bare = target('sip:103@example.com;method=INVITE');
    assert.equal(bare.address.uri.user, '103');
    assert.equal(bare.address.uri.params.size, 0);
    assert.equal(bare.address.params.get('method'), 'INVITE');
  });

  it('resolves escapes in the user part', () => {
    assert.equal(target('<sip:%31%30%33@example.com>').address.uri.user, '103');
  });

  it('reads an escaped Replaces among the URI headers (RFC 3891 §6.1)', () => {
    const attended = target('<sip:104@example.com?Replaces=abc%40host%3Bto-tag%3Dt1%3Bfrom-tag%3Df1&Require=replaces>');
    assert.equal(attended.address.uri.user, '104');
    assert.deepEqual(attended.replaces, { callId: 'abc@host', toTag: 't1', fromTag: 'f1', earlyOnly: false });
  });

  it('refuses a REFER with no Refer-To, with several, a malformed one or a tel: URI (400)', () => {
    assert.match(refusal(), /Missing Refer-To/);
    assert.match(refusal('<sip:103@example.com>', '<sip:104@example.com>'), /More than one Refer-To/);
    assert.match(refusal('<sip:103@example.com'), /unterminated/);
    assert.match(refusal('Front Desk'), /./);
    assert.match(refusal('<tel:+15551234>'), /not a SIP URI/);
    assert.match(refusal('<sip:104@example.com?Replaces=abc%3Bto-tag%3Dt1>'), /to-tag and from-tag/);
  });
});

describe('Replaces (RFC 3891 §6.1)', () => {
  it('reads the Call-ID, both tags in either order, early-only and other parameters', () => {
    const parsed = parseReplaces('98732@sip.example.com;from-tag=r33th4x0r;to-tag=ff87ff;early-only;x=1');
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value, { callId: '98732@sip.example.com', toTag: 'ff87ff', fromTag: 'r33th4x0r', earlyOnly: true });
  });

  it('refuses one without a Call-ID or a tag', () => {
    assert.equal(parseReplaces(';to-tag=a;from-tag=b').ok, false);
    assert.equal(parseReplaces('id@host;to-tag=a').ok, false);
    assert.equal(parseReplaces('id@host;from-tag=b').ok, false);
  });
});
