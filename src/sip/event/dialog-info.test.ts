import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InMemoryPhoneState } from '../../directory/phone-state.js';
import { dialogDocuments, dialogPackage, formatDialogInfo } from './dialog-info.js';

const ALICE = { domain: 'example.com', user: '102' };

test('a dialog-info document is shaped as RFC 4235 §5.1 shows it: namespace, version, state="full", entity, then the dialogs', () => {
  assert.equal(
    formatDialogInfo({ entity: 'sip:102@example.com', version: 3, dialogs: [{ id: '102-1', state: 'early', direction: 'recipient' }] }),
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="3" state="full" entity="sip:102@example.com">',
      '  <dialog id="102-1" direction="recipient">',
      '    <state>early</state>',
      '  </dialog>',
      '</dialog-info>',
      '',
    ].join('\r\n'),
  );
});

test('an idle user is a document without dialogs; what configuration names is escaped', () => {
  assert.equal(
    formatDialogInfo({ entity: 'sip:a&b@example.com', version: 0, dialogs: [] }),
    '<?xml version="1.0" encoding="UTF-8"?>\r\n<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="0" state="full" entity="sip:a&amp;b@example.com">\r\n</dialog-info>\r\n',
  );
});

test("a subscription's documents follow the phone: idle, ringing (early), talking (confirmed), ended (terminated once), idle; versions count from 0", () => {
  const phones = new InMemoryPhoneState();
  phones.setRegistrations(ALICE.domain, ALICE.user, 1);
  const next = dialogDocuments(ALICE, phones);
  const summary = (document: string) => ({
    version: /version="(\d+)"/.exec(document)?.[1],
    dialogs: [...document.matchAll(/<dialog id="([^"]+)"( direction="recipient")?>\r\n {4}<state>(\w+)<\/state>/g)].map((match) => `${match[1]}:${match[3]}${match[2] ? ':recipient' : ''}`),
  });
  assert.deepEqual(summary(next()), { version: '0', dialogs: [] });
  const stopRinging = phones.beginRinging(ALICE.domain, ALICE.user);
  assert.deepEqual(summary(next()), { version: '1', dialogs: ['102-1:early:recipient'] });
  const endCall = phones.beginCall(ALICE.domain, ALICE.user);
  stopRinging();
  assert.deepEqual(summary(next()), { version: '2', dialogs: ['102-1:confirmed'] });
  endCall();
  assert.deepEqual(summary(next()), { version: '3', dialogs: ['102-1:terminated'] });
  assert.deepEqual(summary(next()), { version: '4', dialogs: [] });
  phones.beginCall(ALICE.domain, ALICE.user);
  assert.deepEqual(summary(next()), { version: '5', dialogs: ['102-2:confirmed'] }, 'the next call is a dialog of its own');
});

test('each subscription counts its own versions', async () => {
  const phones = new InMemoryPhoneState();
  const eventPackage = dialogPackage(phones);
  const first = eventPackage.documents(ALICE);
  first();
  first();
  assert.match(await eventPackage.documents(ALICE)(), /version="0"/);
});
