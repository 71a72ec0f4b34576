import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BridgePlan } from '../../call/call.js';
import { SimulatedClock } from '../../clock.js';
import type { DialogLeg } from './dialog-leg.js';
import type { OutboundLeg } from './outbound-leg.js';
import type { SessionBody } from './session-body.js';
import { request } from '../../../test/support/sip/transaction-doubles.js';
import type { SipResponse } from '../message/index.js';
import type { ServerTransaction } from '../transaction/index.js';
import { receiveRefer, referredLegs, TransferReport, transferVariables, type BlindTransfer, type ReferContext } from './transfer.js';

/** A transferor's leg that records what the report sends on it. */
function transferor(ended = false) {
  const sent: { method: string; body?: string; headers: Record<string, string> }[] = [];
  const leg = {
    uuid: 'b-leg',
    ended,
    dialog: ended ? undefined : { contact: '<sip:callrouter@192.0.2.1>' },
    async send(method: string, session: SessionBody | undefined, headers: Record<string, string> = {}) {
      sent.push({ method, body: session?.body.toString('utf8'), headers: { ...headers, ...(session ? { 'content-type': session.contentType } : {}) } });
      return { failure: 'timeout' as const };
    },
    async bye(headers: Record<string, string> = {}) {
      if (leg.ended) return;
      leg.ended = true;
      sent.push({ method: 'BYE', headers });
    },
  };
  return { leg: leg as unknown as DialogLeg, sent };
}

describe('TransferReport (the transferor\'s implicit subscription, RFC 3515 §2.4.4)', () => {
  it('NOTIFYs 100 Trying, then the final status terminating the subscription, then BYE with the transfer as Reason', async () => {
    const { leg, sent } = transferor();
    const report = new TransferReport(leg, 'refer;id=7', 'BLIND_TRANSFER');
    report.trying(new SimulatedClock(new Date(0)));
    await report.settle(486);
    await report.settle(200);
    assert.deepEqual(
      sent.map(({ method, body, headers }) => [method, body, headers.event, headers['subscription-state'], headers['content-type']]),
      [
        ['NOTIFY', 'SIP/2.0 100 Trying\r\n', 'refer;id=7', 'active;expires=60', 'message/sipfrag;version=2.0'],
        ['NOTIFY', 'SIP/2.0 486 Busy Here\r\n', 'refer;id=7', 'terminated;reason=noresource', 'message/sipfrag;version=2.0'],
        ['BYE', undefined, undefined, undefined, undefined],
      ],
    );
    assert.equal(sent[0].headers.contact, '<sip:callrouter@192.0.2.1>', 'NOTIFY is a target refresh request (RFC 6665 §4.1.4)');
    assert.match(sent[2].headers.reason, /cause=600;text="BLIND_TRANSFER"/);
  });

  it('ends the subscription when no outcome came in its 60 s (reason timeout), and the leg', async () => {
    const clock = new SimulatedClock(new Date(0));
    const { leg, sent } = transferor();
    new TransferReport(leg, 'refer', 'ATTENDED_TRANSFER').trying(clock);
    clock.advance(59_000);
    assert.equal(sent.length, 1);
    clock.advance(1_000);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(sent.slice(1).map(({ method, body, headers }) => [method, body, headers['subscription-state']]), [
      ['NOTIFY', 'SIP/2.0 100 Trying\r\n', 'terminated;reason=timeout'],
      ['BYE', undefined, undefined],
    ]);
  });

  it('sends nothing to a transferor that has hung up', async () => {
    const { leg, sent } = transferor(true);
    const report = new TransferReport(leg, 'refer', 'BLIND_TRANSFER');
    report.trying(new SimulatedClock(new Date(0)));
    await report.settle(200);
    assert.deepEqual(sent, []);
  });
});

describe('what a transfer leaves on the call', () => {
  const transfer: BlindTransfer = {
    kind: 'blind',
    destination: '103',
    referTo: '"Desk" <sip:103@example.com>',
    referredBy: '<sip:102@example.com>',
    report: new TransferReport(transferor().leg, 'refer', 'BLIND_TRANSFER'),
  };

  it("FreeSWITCH's variables, transfer_history appended to", () => {
    const variables = transferVariables(transfer, 'call-1', new Date(1_700_000_000_000), '1699999999:call-1:bl_xfer:104/default/XML');
    assert.deepEqual(variables, {
      sip_refer_to: '"Desk" <sip:103@example.com>',
      'sip_h_Referred-By': '<sip:102@example.com>',
      referred_by_user: '102',
      transfer_source: '1700000000:call-1:bl_xfer:103/default/XML',
      transfer_history: '1699999999:call-1:bl_xfer:104/default/XML|1700000000:call-1:bl_xfer:103/default/XML',
    });
  });

  it('the legs of later bridges carry Referred-By unless the schema set one', () => {
    const leg = (headers: Record<string, string>) => ({ endpointIndex: 0, endpoint: { type: 'user' as const, name: '103', parameters: {} }, timeoutSeconds: 30, delaySeconds: 0, headers, ignoreEarlyMedia: false, privacy: { hideName: false, hideNumber: false }, variables: {} });
    const plan: BridgePlan = { groups: [[leg({}), leg({ 'Referred-By': '<sip:schema@example.com>' })]], codecs: [] };
    assert.deepEqual(
      referredLegs(plan, '<sip:102@example.com>').groups[0].map((planned) => planned.headers['Referred-By']),
      ['<sip:102@example.com>', '<sip:schema@example.com>'],
    );
  });
});

describe('receiveRefer: what a REFER of a bridged call gets', () => {
  const context = (overrides: Partial<ReferContext> = {}): ReferContext => ({
    domain: 'example.com',
    clock: new SimulatedClock(new Date(0)),
    fromCaller: false,
    callerCannotTransfer: undefined,
    takeOver: () => 'no other call has the dialog it names',
    log: () => {},
    ...overrides,
  });
  function refer(referTo: string | undefined, overrides: Partial<ReferContext> = {}) {
    const responses: SipResponse[] = [];
    const transaction = { respond: (response: SipResponse) => responses.push(response) } as unknown as ServerTransaction;
    const extra = referTo === undefined ? undefined : `Refer-To: ${referTo}\nReferred-By: <sip:102@example.com>`;
    const transfer = receiveRefer(request({ method: 'REFER', toTag: 'ours', cseq: 4, extra }), transaction, transferor().leg, context(overrides));
    return { transfer, status: responses[0]?.status, warning: responses[0]?.headers.get('warning') ?? '' };
  }

  it('202 and a blind transfer of the caller by the target; of the target by a caller that may', () => {
    const byTarget = refer('<sip:103@EXAMPLE.com>');
    assert.equal(byTarget.status, 202);
    assert.deepEqual([byTarget.transfer?.kind, byTarget.transfer?.kind !== 'attended' && byTarget.transfer?.destination], ['blind', '103']);
    assert.equal(byTarget.transfer?.referredBy, '<sip:102@example.com>');
    assert.equal(refer('<sip:103@example.com>', { fromCaller: true }).transfer?.kind, 'target');
  });

  it('Refer-Sub: false (RFC 4488): 202 saying so, no NOTIFY at all, and the transferor\'s leg still ends once the transfer settles', async () => {
    const responses: SipResponse[] = [];
    const transaction = { respond: (response: SipResponse) => responses.push(response) } as unknown as ServerTransaction;
    const { leg, sent } = transferor();
    const extra = 'Refer-To: <sip:103@example.com>\nRefer-Sub: false\nSupported: norefersub';
    const transfer = receiveRefer(request({ method: 'REFER', toTag: 'ours', cseq: 4, extra }), transaction, leg, context());
    assert.equal(responses[0].status, 202);
    assert.equal(responses[0].headers.get('refer-sub'), 'false');
    await transfer!.report.settle(200);
    assert.deepEqual(sent.map(({ method }) => method), ['BYE']);
  });

  it('a Refer-To naming us by the address of our Contact (not the domain) is ours too; with Replaces the dialog decides, whatever the host', () => {
    const byAddress = refer('sip:103@192.0.2.1');
    assert.equal(byAddress.status, 202, byAddress.warning);
    assert.equal(byAddress.transfer?.kind !== 'attended' && byAddress.transfer?.destination, '103');
    const consultationContact = refer('<sip:callrouter@198.51.100.9:5062?Replaces=a%3Bto-tag%3Db%3Bfrom-tag%3Dc>', { takeOver: () => ({ leg: { uuid: 'c-leg' } as unknown as OutboundLeg }) });
    assert.equal(consultationContact.status, 202, consultationContact.warning);
    assert.equal(consultationContact.transfer?.kind, 'attended');
  });

  it('refusals, with why in a Warning', () => {
    const cases: [ReturnType<typeof refer>, number, RegExp][] = [
      [refer(undefined), 400, /Missing Refer-To/],
      [refer('<sip:103@elsewhere.example>'), 403, /not the call's domain/],
      [refer('<sip:103@example.com;method=BYE>'), 501, /BYE/],
      [refer('<sip:@example.com>'), 400, /./],
      [refer('<sip:example.com>'), 400, /names no user/],
      [refer('<sip:103@example.com>', { fromCaller: true, callerCannotTransfer: 'not one of our users' }), 603, /not one of our users/],
      [refer('<sip:103@example.com?Replaces=a%3Bto-tag%3Db%3Bfrom-tag%3Dc>', { fromCaller: true }), 603, /attended transfer from the caller/],
      [refer('<sip:103@example.com?Replaces=a%3Bto-tag%3Db%3Bfrom-tag%3Dc>'), 481, /no other call/],
    ];
    for (const [outcome, status, why] of cases) {
      assert.equal(outcome.status, status, outcome.warning);
      assert.match(outcome.warning, why);
      assert.equal(outcome.transfer, undefined);
    }
  });
});
