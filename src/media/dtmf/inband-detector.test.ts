import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InbandDtmfDetector } from './inband-detector.js';
import { parseToneStream, ToneSource } from '../audio/tone-stream.js';

const ROWS: Record<string, number> = { '1': 697, '5': 770, '9': 852, '#': 941, D: 941 };
const COLUMNS: Record<string, number> = { '1': 1209, '5': 1336, '9': 1477, '#': 1477, D: 1633 };

function tone(rowHz: number, columnHz: number, ms: number, rowDb = -10, columnDb = -10, startPhase = 0): Int16Array {
  const out = new Int16Array((ms * 8000) / 1000);
  const [a, b] = [32767 * 10 ** (rowDb / 20), 32767 * 10 ** (columnDb / 20)];
  for (let n = 0; n < out.length; n++) {
    const t = (n + startPhase) / 8000;
    out[n] = Math.round(a * Math.sin(2 * Math.PI * rowHz * t) + b * Math.sin(2 * Math.PI * columnHz * t));
  }
  return out;
}

function silence(ms: number): Int16Array {
  return new Int16Array((ms * 8000) / 1000);
}

function detect(...parts: Int16Array[]): string {
  const detector = new InbandDtmfDetector();
  // Fed in 20 ms frames, as packets arrive.
  const all = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  const digits: string[] = [];
  for (let start = 0; start < all.length; start += 160) digits.push(...detector.push(all.subarray(start, start + 160)));
  return digits.join('');
}

test('detects each digit of the keypad once, at nominal frequencies', () => {
  const stream = new ToneSource(parseToneStream('d=60;w=60;v=-12;123A456B789C*0#D'));
  const detector = new InbandDtmfDetector();
  const frame = new Int16Array(160);
  let digits = '';
  while (stream.read(frame)) digits += detector.push(frame).join('');
  assert.equal(digits, '123A456B789C*0#D');
});

test('a 40 ms tone is detected at any alignment with the blocks', () => {
  for (const lead of [0, 3, 7, 11, 17]) {
    assert.equal(detect(silence(lead), tone(770, 1336, 40), silence(60)), '5', `lead-in ${lead} ms`);
  }
});

test('Q.24 frequency tolerance: ±1.5 % is accepted, ±3.5 % rejected, for every frequency', () => {
  for (const digit of Object.keys(ROWS)) {
    const [row, column] = [ROWS[digit], COLUMNS[digit]];
    for (const deviation of [-0.015, 0.015]) {
      assert.equal(detect(tone(row * (1 + deviation), column, 80), silence(40)), digit, `row ${deviation * 100}% on ${digit}`);
      assert.equal(detect(tone(row, column * (1 + deviation), 80), silence(40)), digit, `column ${deviation * 100}% on ${digit}`);
    }
    for (const deviation of [-0.035, 0.035]) {
      assert.equal(detect(tone(row * (1 + deviation), column, 80), silence(40)), '', `row ${deviation * 100}% on ${digit}`);
      assert.equal(detect(tone(row, column * (1 + deviation), 80), silence(40)), '', `column ${deviation * 100}% on ${digit}`);
    }
  }
});

test('twist: 4 dB high-over-low and 8 dB low-over-high are accepted, beyond is rejected', () => {
  assert.equal(detect(tone(697, 1209, 80, -14, -10.5)), '1');
  assert.equal(detect(tone(697, 1209, 80, -10, -17.5)), '1');
  assert.equal(detect(tone(697, 1209, 80, -16, -10)), '');
  assert.equal(detect(tone(697, 1209, 80, -10, -20)), '');
});

test('a held key is one digit; the same key again after a 40 ms pause is another', () => {
  assert.equal(detect(tone(941, 1477, 600), silence(40)), '#');
  assert.equal(detect(tone(697, 1209, 60), silence(40), tone(697, 1209, 60, -10, -10, 123), silence(40)), '11');
});

test('single tones, quiet tones and noise are not digits', () => {
  assert.equal(detect(tone(697, 0, 200)), '');
  assert.equal(detect(tone(697, 1209, 200, -45, -45)), '');
  let seed = 7;
  const noise = Int16Array.from({ length: 8000 }, () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed % 20000) - 10000;
  });
  assert.equal(detect(noise), '');
  // A digit under loud noise holds too little of the energy.
  const noisy = tone(697, 1209, 200, -30, -30).map((sample, n) => sample + noise[n]);
  assert.equal(detect(noisy), '');
});
