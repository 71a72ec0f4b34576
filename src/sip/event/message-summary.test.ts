import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMessageSummary, messageSummaryPackage } from './message-summary.js';

test('a message summary is shaped as RFC 3842 §5.2 shows it: status line, account, voice message counts, CRLF after each', () => {
  assert.equal(
    formatMessageSummary('sip:102@example.com', { newMessages: 2, oldMessages: 8 }),
    'Messages-Waiting: yes\r\nMessage-Account: sip:102@example.com\r\nVoice-Message: 2/8 (0/0)\r\n',
  );
});

test('only unheard messages are waiting', () => {
  assert.match(formatMessageSummary('sip:102@example.com', { newMessages: 0, oldMessages: 3 }), /^Messages-Waiting: no\r\n[\s\S]*Voice-Message: 0\/3 \(0\/0\)\r\n$/);
});

test('the package reads the mailbox of the subscribed user and follows its changes', async () => {
  const asked: string[] = [];
  let listener: ((domain: string, user: string) => void) | undefined;
  const eventPackage = messageSummaryPackage({
    summary: async (domain, user) => {
      asked.push(`${user}@${domain}`);
      return { newMessages: 1, oldMessages: 0 };
    },
    onChange: (added) => {
      listener = added;
      return () => {};
    },
  });
  assert.equal(eventPackage.watchers, 'self', 'a mailbox is watched by its own user only');
  assert.match(await eventPackage.documents({ domain: 'example.com', user: '102' })(), /^Messages-Waiting: yes\r\nMessage-Account: sip:102@example.com\r\n/);
  assert.deepEqual(asked, ['102@example.com']);
  const changed: string[] = [];
  eventPackage.onChange((resource) => changed.push(resource.user));
  listener?.('example.com', '103');
  assert.deepEqual(changed, ['103']);
});
