import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPidf } from './pidf.js';

const RESOURCE = { domain: 'example.com', user: '102' };

test('a registered, idle user is an open tuple, as RFC 3863 §3.4 shapes a PIDF document', () => {
  assert.equal(
    formatPidf(RESOURCE, 'onhook'),
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="pres:102@example.com">',
      '  <tuple id="t-102">',
      '    <status><basic>open</basic></status>',
      '    <contact>sip:102@example.com</contact>',
      '    <note>Available</note>',
      '  </tuple>',
      '</presence>',
      '',
    ].join('\r\n'),
  );
});

test('on a call the person is on-the-phone; unregistered is closed; DND is busy', () => {
  assert.match(formatPidf(RESOURCE, 'isbusy'), /<basic>open<\/basic>[\s\S]*<note>On the phone<\/note>[\s\S]*<dm:person id="p-102">\r\n {4}<rpid:activities><rpid:on-the-phone\/><\/rpid:activities>/);
  assert.match(formatPidf(RESOURCE, 'ringing'), /<rpid:on-the-phone\/>/);
  assert.match(formatPidf(RESOURCE, 'nonreg'), /<basic>closed<\/basic>[\s\S]*<note>Offline<\/note>/);
  assert.doesNotMatch(formatPidf(RESOURCE, 'nonreg'), /dm:person id/);
  assert.match(formatPidf(RESOURCE, 'dnd'), /<rpid:busy\/>/);
});
