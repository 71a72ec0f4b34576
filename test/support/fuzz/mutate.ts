/**
 * Mutation of real inputs, the way a coverage-guided fuzzer's mutators work
 * (libFuzzer's byte flips, inserts, erases, copies and dictionary words),
 * but drawn by fast-check so failures shrink to the fewest edits.
 */
import * as fc from 'fast-check';

export type Edit =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'erase'; at: number; length: number }
  | { kind: 'copy'; from: number; to: number; length: number; times: number };

/** Positions are fractions of the current length, so an edit stays meaningful whatever came before it. */
const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

export function edits(dictionary: readonly string[]): fc.Arbitrary<Edit> {
  const word = fc.constantFrom(...dictionary.map((entry) => Buffer.from(entry, 'utf8')));
  return fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('set' as const), at: position, byte: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 9, 10, 13, 32, 34, 37, 44, 58, 59, 60, 62, 64, 91, 92, 93, 127, 255)) }),
    fc.record({ kind: fc.constant('insert' as const), at: position, bytes: fc.oneof({ weight: 3, arbitrary: word }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 8 }) }) }),
    fc.record({ kind: fc.constant('erase' as const), at: position, length: fc.integer({ min: 1, max: 64 }) }),
    fc.record({ kind: fc.constant('copy' as const), from: position, to: position, length: fc.integer({ min: 1, max: 64 }), times: fc.integer({ min: 1, max: 200 }) }),
  );
}

export function applyEdits(input: Uint8Array, list: readonly Edit[]): Buffer {
  let data: Buffer = Buffer.from(input);
  for (const edit of list) data = applyEdit(data, edit);
  return data;
}

function applyEdit(data: Buffer, edit: Edit): Buffer {
  const at = (fraction: number) => Math.floor(fraction * (data.length + 1));
  switch (edit.kind) {
    case 'flip':
    case 'set': {
      if (data.length === 0) return data;
      const copy = Buffer.from(data);
      const index = Math.min(at(edit.at), data.length - 1);
      copy[index] = edit.kind === 'flip' ? copy[index] ^ (1 << edit.bit) : edit.byte;
      return copy;
    }
    case 'insert':
      return Buffer.concat([data.subarray(0, at(edit.at)), edit.bytes, data.subarray(at(edit.at))]);
    case 'erase':
      return Buffer.concat([data.subarray(0, at(edit.at)), data.subarray(at(edit.at) + edit.length)]);
    case 'copy': {
      const piece = data.subarray(at(edit.from), at(edit.from) + edit.length);
      return Buffer.concat([data.subarray(0, at(edit.to)), ...Array<Buffer>(edit.times).fill(piece), data.subarray(at(edit.to))]);
    }
  }
}

/** Corpus entries with a few edits each; unedited entries come up too. */
export function mutated(corpus: readonly Uint8Array[], dictionary: readonly string[], maxEdits = 6): fc.Arbitrary<Buffer> {
  return fc.tuple(fc.constantFrom(...corpus), fc.array(edits(dictionary), { maxLength: maxEdits })).map(([input, list]) => applyEdits(input, list));
}

/** Text mutation for string inputs (query strings, expressions, JSON text). */
export function mutatedText(corpus: readonly string[], dictionary: readonly string[], maxEdits = 6): fc.Arbitrary<string> {
  return mutated(
    corpus.map((text) => Buffer.from(text, 'utf8')),
    dictionary,
    maxEdits,
  ).map((bytes) => bytes.toString('utf8'));
}
