/**
 * The caller's early dialog (RFC 3261 §12.1.1): our first provisional
 * response, with our To tag and a Contact, makes it; INFO inside it reaches
 * the leg's request handler (DTMF on early media), BYE gives up the call
 * like CANCEL (§15.1.2), and the 200 confirms the same dialog.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SipResponse } from '../message/index.js';
import type { ServerTransaction } from '../transaction/index.js';
import { ackFor, ANSWER, inDialogRequest, setup } from '../../../test/support/sip/inbound-leg-doubles.js';

function answers() {
  const statuses: number[] = [];
  const transaction = { respond: (response: SipResponse) => statuses.push(response.status) } as unknown as ServerTransaction;
  return { statuses, transaction };
}

test('before any provisional response there is no dialog: an INFO gets 481', () => {
  const { leg, stack } = setup();
  const { statuses, transaction } = answers();
  assert.equal(stack.dialogs.size, 0);
  leg.receiveRequest(inDialogRequest(leg, 'INFO', 6), transaction);
  assert.deepEqual(statuses, [481]);
});

test('a 183 makes the early dialog: it has a Contact, an INFO in it reaches the handler, out-of-order CSeq gets 500', () => {
  const { leg, stack, responses } = setup();
  leg.provisional(183, ANSWER);
  assert.match(responses[0].headers.get('contact') ?? '', /^<sip:.*198\.51\.100\.1:5060/, 'the 183 says where the dialog’s requests go');
  assert.equal(stack.dialogs.size, 1);
  const handled: string[] = [];
  leg.events.onRequest = (request, transaction) => {
    handled.push(request.method);
    transaction.respond({ status: 200 } as SipResponse);
  };
  const { statuses, transaction } = answers();
  leg.receiveRequest(inDialogRequest(leg, 'INFO', 6), transaction);
  leg.receiveRequest(inDialogRequest(leg, 'INFO', 6), transaction);
  leg.receiveRequest(inDialogRequest(leg, 'UPDATE', 7), transaction);
  assert.deepEqual(handled, ['INFO']);
  assert.deepEqual(statuses, [200, 500, 481]);
});

test('the 200 confirms the early dialog: its CSeq goes on from the early INFO, and the ACK is taken', () => {
  const { leg, stack, events } = setup();
  leg.provisional(180);
  leg.events.onRequest = (_request, transaction) => transaction.respond({ status: 200 } as SipResponse);
  const { statuses, transaction } = answers();
  leg.receiveRequest(inDialogRequest(leg, 'INFO', 7), transaction);
  assert.equal(leg.answer(ANSWER), true);
  leg.receiveAck(ackFor(leg));
  assert.equal(events.acks.length, 1);
  leg.receiveRequest(inDialogRequest(leg, 'INFO', 7), transaction);
  leg.receiveRequest(inDialogRequest(leg, 'INFO', 8), transaction);
  assert.deepEqual(statuses, [200, 500, 200], 'the confirmed dialog remembers the early INFO’s CSeq');
  assert.equal(stack.dialogs.size, 1);
});

test('BYE in the early dialog: 200 to it, 487 to the INVITE, the call is given up and the dialog forgotten', () => {
  const { leg, stack, statuses: inviteStatuses, events } = setup();
  leg.provisional(183, ANSWER);
  const { statuses, transaction } = answers();
  leg.receiveRequest(inDialogRequest(leg, 'BYE', 6), transaction);
  assert.deepEqual(statuses, [200]);
  assert.deepEqual(inviteStatuses(), [183, 487]);
  assert.equal(events.cancel, 1);
  assert.equal(leg.endedBy, 'remote');
  assert.equal(stack.dialogs.size, 0);
});

test('a call refused after ringing forgets its early dialog', () => {
  const { leg, stack } = setup();
  leg.provisional(180);
  leg.reject(486);
  assert.equal(stack.dialogs.size, 0);
});
