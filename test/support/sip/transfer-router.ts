/**
 * The router of the transfer tests (test/sip/transfer*.test.ts): users 101–104,
 * the extensions' route, 7103 (103 with our media in the call) and two public
 * numbers whose calls are recorded and bridged to 102, one recording that
 * follows transfers and one that does not. Its log is kept: a transferred
 * party logs through loggers of its own, where a key was once written twice.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before } from 'node:test';
import pino from 'pino';
import { header, INTERNAL_SCHEMA, registerPhone, type LoggedMessage, type Phone } from './calls.js';
import { startTestRouter, type TestRouter } from './router.js';
import { linesWithRepeatedKeys } from '../log-lines.js';

/** Public numbers of a recorded call to 102: the recording follows transfers, or (the ACR default) does not. */
export const FOLLOWED = '0441230001';
export const NOT_FOLLOWED = '0441230002';

export interface TransferRouter {
  readonly server: TestRouter;
  /** Registers the user's phone, from the same port in every test: a second binding would be rung too. */
  registered(user: string): Promise<Phone>;
}

/**
 * The router of the suite this is called in: started before its tests,
 * stopped after them, and then no log line may hold a key twice.
 */
export function transferRouterForSuite(): TransferRouter {
  let router: (TransferRouter & { close(): Promise<void> }) | undefined;
  before(async () => {
    router = await startTransferRouter();
  });
  after(() => router?.close());
  return {
    get server() {
      return router!.server;
    },
    registered: (user) => router!.registered(user),
  };
}

/** A customer's call recorded from its answer (bridged or not), then bridged to 102. */
function recordedBridge(followTransfer: boolean): unknown[] {
  return [
    { answer: '' },
    { recordSession: { action: 'start', name: 'customer', bridged: false, minSec: 0, followTransfer } },
    { bridge: { endpoints: [{ type: 'user', name: '102' }] } },
  ];
}

async function startTransferRouter(): Promise<TransferRouter & { close(): Promise<void> }> {
  const logLines: string[] = [];
  const server = await startTestRouter({
    logger: pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => done(void logLines.push(...String(chunk).split('\n').filter(Boolean))) })),
    users: ['101', '102', '103', '104'],
    domain: { allowAnonymousPublic: true },
    routes: {
      default: [
        { name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA },
        // 7103: 103, with our media in the call.
        { name: 'recorded consultation', pattern: '^7103$', schema: [{ recordSession: { action: 'start', bridged: false, minSec: 0 } }, { bridge: { endpoints: [{ type: 'user', name: '103' }] } }] },
      ],
      public: [
        { name: 'recorded, following transfers', numbers: [FOLLOWED], schema: recordedBridge(true) },
        { name: 'recorded', numbers: [NOT_FOLLOWED], schema: recordedBridge(false) },
      ],
    },
  });
  const ports = new Map<string, number>();
  return {
    server,
    registered: async (user) => {
      const phone = await registerPhone(server, user, 60, ports.get(user));
      ports.set(user, phone.port);
      return phone;
    },
    close: async () => {
      await server.close();
      assert.deepEqual(linesWithRepeatedKeys(logLines), [], 'no log line holds a key twice');
    },
  };
}

/** The NOTIFYs a transferor received, once per CSeq (retransmissions dropped). */
export function notifies(messages: readonly LoggedMessage[]): LoggedMessage[] {
  const seen = new Set<string>();
  return messages.filter((message) => {
    const cseq = header(message, 'CSeq') ?? '';
    if (seen.has(cseq)) return false;
    seen.add(cseq);
    return true;
  });
}

/** The status line a NOTIFY's sipfrag body reports. */
export function sipfrag(message: LoggedMessage): string {
  return message.body.split('\n')[0].trim();
}
