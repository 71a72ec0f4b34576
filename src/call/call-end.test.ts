import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callEndReason } from './call-end.js';

test('who hung up comes first; a hang-up by the router is named by what its cause means to the caller', () => {
  assert.equal(callEndReason({ endedBy: undefined, hangupCause: undefined }), undefined, 'a call that is up has no end reason');
  assert.equal(callEndReason({ endedBy: 'caller', hangupCause: 'ORIGINATOR_CANCEL' }), 'caller hung up');
  assert.equal(callEndReason({ endedBy: 'caller', hangupCause: 'NORMAL_CLEARING' }), 'caller hung up');
  assert.equal(callEndReason({ endedBy: 'callee', hangupCause: 'NORMAL_CLEARING' }), 'callee hung up');
  assert.equal(callEndReason({ endedBy: 'router', hangupCause: 'NORMAL_CLEARING' }), 'schema ended');
  assert.equal(callEndReason({ endedBy: 'router', hangupCause: 'NO_ANSWER' }), 'no answer');
  assert.equal(callEndReason({ endedBy: 'router', hangupCause: 'USER_BUSY' }), 'busy');
  assert.equal(callEndReason({ endedBy: 'router', hangupCause: 'CALL_REJECTED' }), 'rejected');
  assert.equal(callEndReason({ endedBy: 'router', hangupCause: 'SYSTEM_SHUTDOWN' }), 'shutdown');
  assert.equal(callEndReason({ endedBy: 'router', hangupCause: 'ALLOTTED_TIMEOUT' }), 'maximum duration');
  assert.equal(callEndReason({ endedBy: 'router', hangupCause: 'MANAGER_REQUEST' }), 'hung up by an administrator');
  assert.equal(callEndReason({ endedBy: 'router', hangupCause: 'NORMAL_TEMPORARY_FAILURE' }), 'failed');
});
