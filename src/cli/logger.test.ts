import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { createLogger, logFormatFor } from './logger.js';

test('logs are pretty on a terminal and JSON lines in a pipe, unless LOG_FORMAT says', () => {
  assert.equal(logFormatFor({}, true), 'pretty');
  assert.equal(logFormatFor({}, false), 'json');
  assert.equal(logFormatFor({ LOG_FORMAT: 'json' }, true), 'json');
  assert.equal(logFormatFor({ LOG_FORMAT: 'pretty' }, false), 'pretty');
});

function written(format: 'pretty' | 'json'): string {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk) => (text += chunk));
  createLogger('info', format, out).info({ uuid: 'c1', hangupCause: 'NORMAL_CLEARING' }, 'call ended');
  return text;
}

test('a pretty line has a readable time, a level name and the fields; a JSON line is JSON', () => {
  const line = written('pretty');
  assert.match(line, /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\] INFO: call ended\n/);
  assert.match(line, /hangupCause: "NORMAL_CLEARING"/);
  const json = JSON.parse(written('json'));
  assert.equal(json.msg, 'call ended');
  assert.equal(json.level, 30);
});
