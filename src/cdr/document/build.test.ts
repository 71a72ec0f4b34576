import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cdrFromFreeswitch, freeswitchCdrId } from './freeswitch.js';
import type { CallLegRecord } from '../../call/leg-record.js';
import { cdrFromLeg } from './leg-record.js';

const ZONE = 'Europe/Kyiv';

/** User 101 calls a customer through a gateway: rings 5 s, talks 95 s. Times in UTC; Kyiv is UTC+2 in November. */
const LEG: CallLegRecord = {
  uuid: '3f0c7a52-leg-a',
  direction: 'outbound',
  domain: 'example.com',
  callerIdName: 'Alice',
  callerIdNumber: '101',
  destinationNumber: '0671234567',
  userId: '101',
  networkAddress: '192.0.2.10',
  startTime: new Date('2026-11-24T10:00:00.400Z'),
  progressTime: new Date('2026-11-24T10:00:02.000Z'),
  answerTime: new Date('2026-11-24T10:00:05.000Z'),
  bridgeTime: new Date('2026-11-24T10:00:05.000Z'),
  endTime: new Date('2026-11-24T10:01:40.000Z'),
  hangupCause: 'NORMAL_CLEARING',
  variables: { sip_from_user: '101', webitel_location: 'office' },
};

/** What mod_json_cdr posts for the same leg (local stamps, epoch strings, URL-encoded values, noise). */
const FREESWITCH = {
  'core-uuid': 'c0re',
  channel_data: { state: 'CS_REPORTING' },
  variables: {
    uuid: '3f0c7a52-leg-a',
    webitel_direction: 'outbound',
    domain_name: 'example.com',
    presence_id: '101%40example.com',
    destination_number: '0671234567',
    caller_id_number: '101',
    caller_id_name: 'Alice',
    sip_from_user: '101',
    webitel_location: 'office',
    hangup_cause: 'NORMAL_CLEARING',
    hangup_cause_q850: '16',
    start_stamp: '2026-11-24%2012%3A00%3A00',
    start_epoch: '1795514400',
    start_uepoch: '1795514400400000',
    progress_stamp: '2026-11-24 12:00:02',
    progress_epoch: '1795514402',
    progress_media_epoch: '0',
    answer_stamp: '2026-11-24 12:00:05',
    answer_epoch: '1795514405',
    bridge_epoch: '1795514405',
    end_stamp: '2026-11-24 12:01:40',
    end_epoch: '1795514500',
    duration: '100',
    billsec: '95',
    rtp_audio_in_mos: '4.5',
    switch_r_sdp: 'v=0',
    sip_full_via: 'SIP/2.0/UDP 192.0.2.10',
    'Event-Name': 'CHANNEL_HANGUP_COMPLETE',
  },
  callflow: [{ caller_profile: { caller_id_name: 'Alice', caller_id_number: '101', destination_number: '0671234567', network_addr: '192.0.2.10', uuid: '3f0c7a52-leg-a' }, times: { created_time: '1795514400400000' } }],
};

describe('CDR documents', () => {
  it('a leg record and the FreeSWITCH JSON of the same call give identical documents', () => {
    assert.deepEqual(cdrFromLeg(LEG, ZONE), cdrFromFreeswitch(FREESWITCH, ZONE));
  });

  it('fills the reference fields', () => {
    assert.deepEqual(cdrFromLeg(LEG, ZONE), {
      'Call start time': '2026-11-24T10:00:00.000Z',
      'Call answer time': '2026-11-24T10:00:05.000Z',
      'Call end time': '2026-11-24T10:01:40.000Z',
      'Progress time': '2026-11-24T10:00:02.000Z',
      Answered: true,
      'Call direction': 'outbound',
      'Hangup cause': 'NORMAL_CLEARING',
      'Q850 Hangup Code': 16,
      'Call duration': 100,
      'Connected call duration': 95,
      'Destination number': '0671234567',
      'CallerID number': '101',
      'Domain name': 'example.com',
      'User ID': '101',
      'Bridge time': 1795514405000,
      Bridged: true,
      'Ring Duration': 5,
      'Before Bridge Delay': 5,
      'Post Dialing Delay': 2,
      Location: 'office',
      variables: {
        uuid: '3f0c7a52-leg-a',
        webitel_direction: 'outbound',
        domain_name: 'example.com',
        presence_id: '101@example.com',
        destination_number: '0671234567',
        caller_id_number: '101',
        caller_id_name: 'Alice',
        sip_from_user: '101',
        webitel_location: 'office',
        hangup_cause: 'NORMAL_CLEARING',
        hangup_cause_q850: '16',
        start_stamp: '2026-11-24T10:00:00.000Z',
        progress_stamp: '2026-11-24T10:00:02.000Z',
        answer_stamp: '2026-11-24T10:00:05.000Z',
        end_stamp: '2026-11-24T10:01:40.000Z',
        duration: '100',
        billsec: '95',
      },
    });
  });

  it('an unanswered leg rings until it ends and is not bridged', () => {
    const missed = cdrFromLeg({ ...LEG, answerTime: undefined, bridgeTime: undefined, hangupCause: 'NO_ANSWER', endTime: new Date('2026-11-24T10:00:30.000Z') }, ZONE);
    assert.equal(missed.Answered, false);
    assert.equal(missed.Bridged, false);
    assert.equal(missed['Ring Duration'], 30);
    assert.equal(missed['Connected call duration'], 0);
    assert.equal(missed['Q850 Hangup Code'], 19);
    assert.equal(missed['Call answer time'], undefined);
  });

  it('queue variables give the queue fields', () => {
    const document = cdrFromFreeswitch(
      { ...FREESWITCH, variables: { ...FREESWITCH.variables, cc_queue: 'sales@example.com', cc_agent: '102@example.com', cc_queue_joined_epoch: '1795514410', cc_queue_answered_epoch: '1795514420', cc_queue_terminated_epoch: '1795514500', cc_side: 'agent' } },
      ZONE,
    );
    assert.equal(document['Queue ID'], 'sales');
    assert.equal(document['Agent ID'], '102');
    assert.equal(document['Queue start time'], 1795514410000);
    assert.equal(document['Queue Answered'], true);
    assert.equal(document['Queue waiting duration'], 10);
    assert.equal(document['Queue connected duration'], 80);
    assert.equal(document['Queue call duration'], 90);
    assert.equal(document['Queue Answer Delay'], 10);
    assert.equal(document['Queue stop side'], 'agent');
  });

  it('accepts the old single-callflow form and names the leg by its uuid', () => {
    const old = { ...FREESWITCH, callflow: FREESWITCH.callflow[0] };
    assert.deepEqual(cdrFromFreeswitch(old, ZONE), cdrFromFreeswitch(FREESWITCH, ZONE));
    assert.equal(freeswitchCdrId(FREESWITCH), '3f0c7a52-leg-a');
  });

  it('refuses what is not a mod_json_cdr body', () => {
    assert.throws(() => cdrFromFreeswitch('{"nope"', ZONE), /not a FreeSWITCH JSON CDR/);
    assert.throws(() => cdrFromFreeswitch({ callflow: [] }, ZONE), /variables/);
  });
});
