import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultMediaThreads, ephemeralOverlapWarning, mediaSettings } from './settings.js';

test('defaults: RTP on 16384-32767, bound to every address, 256 kB receive buffers, media threads sized to the machine', () => {
  assert.deepEqual(mediaSettings.parse(undefined), { rtpPorts: { min: 16384, max: 32767 }, bindAddress: '0.0.0.0', receiveBufferBytes: 262144, dir: 'media', threads: defaultMediaThreads() });
});

test('media threads: every core on small machines, one left for signalling on larger ones, at most 16', () => {
  assert.deepEqual([1, 2, 3, 4, 8, 64].map((cores) => defaultMediaThreads(cores)), [1, 2, 2, 3, 7, 16]);
  assert.equal(mediaSettings.parse({ threads: 3 }).threads, 3);
  for (const threads of [0, 1.5, 17, '2']) {
    const result = mediaSettings.safeParse({ threads });
    assert.equal(result.success, false, `threads ${threads} accepted`);
    if (!result.success) assert.deepEqual(result.error.issues.map((issue) => issue.path.join('.')), ['threads']);
  }
});

test('bad settings name the path', () => {
  const result = mediaSettings.safeParse({ rtpPorts: { min: 20000, max: 20000 }, publicAddress: 'phones.example' });
  assert.equal(result.success, false);
  const paths = result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
  assert.deepEqual(paths.sort(), ['publicAddress', 'rtpPorts.max']);
});

test('a range inside the kernel’s ephemeral ports is warned about', async () => {
  const file = join(await mkdtemp(join(tmpdir(), 'ephemeral-')), 'ip_local_port_range');
  await writeFile(file, '32768\t60999\n');
  assert.equal(ephemeralOverlapWarning({ min: 16384, max: 32767 }, file), undefined);
  assert.match(ephemeralOverlapWarning({ min: 30000, max: 40000 }, file) ?? '', /30000-40000 overlaps the kernel's ephemeral ports 32768-60999/);
  assert.equal(ephemeralOverlapWarning({ min: 30000, max: 40000 }, join(file, 'missing')), undefined);
});
