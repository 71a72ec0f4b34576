import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NAMED_TONES, parseToneStream, ToneSource } from './tone-stream.js';
import { goertzelPower } from '../dtmf/inband-detector.js';

function render(spec: string, maxFrames = 1000): Int16Array[] {
  const source = new ToneSource(parseToneStream(spec));
  const frames: Int16Array[] = [];
  for (let i = 0; i < maxFrames; i++) {
    const frame = new Int16Array(160);
    if (!source.read(frame)) break;
    frames.push(frame);
  }
  return frames;
}

test('parses FreeSWITCH specs: prefix, L=, v=, loops=, several segments', () => {
  assert.deepEqual(parseToneStream('tone_stream://v=-7;%(100,15000,800);loops=-1'), {
    segments: [{ onMs: 100, offMs: 15000, frequencies: [800], levelDb: -7 }],
    loops: -1,
  });
  assert.equal(parseToneStream('L=3;%(100,100,350,440)').segments.length, 3);
  assert.equal(parseToneStream(NAMED_TONES.ringback).segments[0].frequencies.length, 2);
});

test('bad specs are errors naming the part', () => {
  assert.throws(() => parseToneStream('%(100,abc,440)'), /"%\(100,abc,440\)" is not %\(on-ms/);
  assert.throws(() => parseToneStream('v=3;%(100,0,440)'), /volume v=3/);
  assert.throws(() => parseToneStream('%(100,0,5000)'), /not below 4000 Hz/);
  assert.throws(() => parseToneStream('x=1;%(100,0,440)'), /unknown setting "x"/);
  assert.throws(() => parseToneStream(''), /is empty/);
});

test('%(1000,0,440) is one second of 440 Hz, then the source ends', () => {
  const frames = render('%(1000,0,440)');
  assert.equal(frames.length, 50);
  const block = Float64Array.from(frames[10]);
  assert.ok(goertzelPower(block, 440) > 100 * goertzelPower(block, 600));
});

test('cadence: busy is 500 ms on, 500 ms off; loops=2 plays it twice', () => {
  const frames = render('%(500,500,480,620);loops=2');
  assert.equal(frames.length, 100);
  const loud = frames.map((frame) => frame.some((sample) => Math.abs(sample) > 1000));
  assert.deepEqual([loud[0], loud[24], loud[25], loud[49], loud[50], loud[75]], [true, true, false, false, true, false]);
});

test('skipping frames lands where reading them would have, and reports frames left over at the end', () => {
  const read = new ToneSource(parseToneStream('%(100,60,440);%(200,0,697,1209)'));
  const skipped = new ToneSource(parseToneStream('%(100,60,440);%(200,0,697,1209)'));
  const frame = new Int16Array(160);
  for (let i = 0; i < 9; i++) read.read(frame);
  assert.equal(skipped.skip(9), 0);
  const [a, b] = [new Int16Array(160), new Int16Array(160)];
  read.read(a);
  skipped.read(b);
  assert.deepEqual(b, a);
  assert.equal(skipped.skip(100), 100 - 8, "18 frames in all, 10 played");
  assert.equal(skipped.read(frame), false);
});

test('a tone longer than a second stays in phase; one with a fraction of a hertz is computed too, kept or (past 5 s) as it plays', () => {
  const whole = render('%(3000,0,440,480)');
  assert.equal(whole.length, 150);
  // Whole-hertz tones repeat every second (50 frames).
  assert.deepEqual(whole[120], whole[20]);
  const kept = render('%(3000,0,440.5)');
  const computed = render('%(6000,0,440.5)');
  assert.equal(kept.length, 150);
  assert.equal(computed.length, 300);
  // 440.5 Hz is half a cycle off after a second; both ways give the same samples.
  assert.notDeepEqual(kept[70], kept[20]);
  assert.deepEqual(computed.slice(0, 150), kept);
  const block = Float64Array.from(computed[280]);
  assert.ok(goertzelPower(block, 440) > 100 * goertzelPower(block, 600));
});

test('a segment with no audible frequency is silence for its on-time', () => {
  const frames = render('%(100,0,0);%(100,0,440)');
  assert.equal(frames.length, 10);
  assert.ok(frames[2].every((sample) => sample === 0));
  assert.ok(frames[7].some((sample) => sample !== 0));
});
