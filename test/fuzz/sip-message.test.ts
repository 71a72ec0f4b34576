import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { parseMessage } from '../../src/sip/message/index.js';
import { INVALID_MESSAGES, VALID_MESSAGES } from './corpus/sip-messages.js';
import { fuzz } from '../support/fuzz/fuzz.js';
import { expectCoverageGrowth, guidedFuzz } from '../support/fuzz/guided.js';
import { applyEdits, edits, mutated } from '../support/fuzz/mutate.js';
import { sipMessage } from '../support/fuzz/sip-grammar.js';
import target from './targets/sip-message.js';

const TARGET = new URL('./targets/sip-message.ts', import.meta.url);
const CORPUS = [...Object.values(VALID_MESSAGES), ...Object.values(INVALID_MESSAGES)];
/** Pieces of SIP that make a mutation land on grammar the parser cares about. */
const DICTIONARY = [
  '\r\n', '\r\n ', '\n', '\r', '\r\n\r\n', '\0', '\t', ' ', ',', ';', ':', '<', '>', '"', '\\', '%', '%00', '%2', '@', '[', ']', '[::1]', '?', '&', '=',
  'sip:', 'sips:', 'tel:', 'SIP/2.0', 'SIP/2.0/UDP ', ';branch=z9hG4bK', ';tag=', ';lr', ';received=', ';rport',
  'Via: ', 'v: ', 'From: ', 'To: ', 'Call-ID: ', 'CSeq: 1 INVITE', 'Max-Forwards: 70', 'Contact: *', 'Content-Length: ', 'l: 99999', 'Content-Length: 0\r\n\r\n',
  'INVITE ', 'SIP/2.0 200 OK\r\n', ':65536', ':0', '4294967296', 'Ключ', '\u00ff', '\ufeff',
];

const METHODS = ['INVITE', 'ACK', 'BYE', 'CANCEL', 'REGISTER', 'OPTIONS', 'PRACK', 'UPDATE', 'REFER', 'NOTIFY', 'SUBSCRIBE', 'INFO', 'MESSAGE'];
const HEADER_NAMES = [
  'Authorization', 'Proxy-Authorization', 'WWW-Authenticate', 'Proxy-Authenticate', 'Route', 'Record-Route', 'Contact', 'Expires', 'Min-Expires',
  'Supported', 'Require', 'Session-Expires', 'Min-SE', 'Content-Type', 'Allow', 'Refer-To', 'Referred-By', 'Replaces', 'Event', 'i', 'f', 't', 'm', 'k', 'c',
];

describe('fuzz: SIP message parser', () => {
  it('parses every valid seed message, round trip included', () => {
    for (const [name, bytes] of Object.entries(VALID_MESSAGES)) {
      const result = parseMessage(bytes);
      assert.ok(result.ok, `${name}: ${result.ok ? '' : result.error.reason}`);
      target.check(bytes);
    }
  });

  it('refuses every malformed seed message with its typed error', () => {
    for (const [name, bytes] of Object.entries(INVALID_MESSAGES)) {
      assert.equal(parseMessage(bytes).ok, false, name);
      target.check(bytes);
    }
  });

  it('coverage-guided: reaches parser code the seeds do not, and nothing breaks the contract', async () => {
    const stats = await guidedFuzz({
      name: 'sip-message',
      target: TARGET,
      sources: [new URL('../../src/sip/message/', import.meta.url), new URL('../../src/sip/auth/credentials.ts', import.meta.url)],
      seeds: CORPUS,
      dictionary: [...DICTIONARY, ...METHODS.map((method) => `${method} `), ...HEADER_NAMES.map((name) => `\r\n${name}: `)],
      runs: 1500,
      maxLength: 16 * 1024,
    });
    expectCoverageGrowth(stats);
  });

  it('survives mutated real messages', async () => {
    await fuzz('sip-message/mutated', TARGET, mutated(CORPUS, DICTIONARY), { runs: 1000 });
  });

  it('survives messages generated from the grammar, some with a few edits', async () => {
    await fuzz('sip-message/grammar', TARGET, fc.oneof(sipMessage, fc.tuple(sipMessage, fc.array(edits(DICTIONARY), { maxLength: 3 })).map(([message, list]) => applyEdits(message, list))), { runs: 1000 });
  });
});
