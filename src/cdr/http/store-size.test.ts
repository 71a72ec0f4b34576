import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { catBytes, storeBytes } from './store-size.js';

describe('store sizes', () => {
  it('print as _cat prints them: the largest unit reached, one decimal when not whole; ?bytes= a whole number in that unit', () => {
    assert.deepEqual([catBytes(0, undefined), catBytes(260, undefined), catBytes(90_214, undefined), catBytes(5 * 1024 ** 2, undefined)], ['0b', '260b', '88.1kb', '5mb']);
    assert.deepEqual([catBytes(90_214, 'b'), catBytes(90_214, 'kb'), catBytes(90_214, 'k'), catBytes(90_214, 'mb')], ['90214', '88', '88', '0']);
    assert.throws(() => catBytes(1, 'furlongs'), /failed to parse setting \[bytes\] with value \[furlongs\]/);
  });

  it('count the database file and its write-ahead log; no file is no bytes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'callrouter-store-size-'));
    try {
      const file = join(dir, 'cdr.sqlite');
      await writeFile(file, Buffer.alloc(4096));
      assert.equal(await storeBytes(file), 4096);
      await writeFile(`${file}-wal`, Buffer.alloc(1000));
      assert.equal(await storeBytes(file), 5096);
      assert.equal(await storeBytes(undefined), 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
