import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallEnding } from './call-ending.js';

test('CallEnding runs each listener once, in order, when the call ends; as an AbortSignal, none added or removed after', () => {
  const ending = new CallEnding();
  const heard: string[] = [];
  const removed = () => heard.push('removed');
  ending.addEventListener('abort', () => heard.push('first'));
  ending.addEventListener('abort', removed);
  ending.addEventListener('abort', () => heard.push('second'));
  ending.removeEventListener('abort', removed);
  assert.equal(ending.aborted, false);
  ending.end();
  assert.equal(ending.aborted, true);
  assert.deepEqual(heard, ['first', 'second']);
  ending.end();
  ending.addEventListener('abort', () => heard.push('late'));
  assert.deepEqual(heard, ['first', 'second']);
});
