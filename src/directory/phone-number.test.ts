import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { e164Number, isPhoneCountry } from './phone-number.js';

describe('e164Number', () => {
  it('reads the four ways a Ukrainian customer is written as one number', () => {
    for (const written of ['0671234567', '380671234567', '+380671234567', '+38 (067) 123-45-67', '00380671234567']) {
      assert.equal(e164Number(written, 'UA'), '+380671234567', written);
    }
  });

  it('reads numbers with a country code without the domain country, national ones only with it', () => {
    assert.equal(e164Number('+380671234567'), '+380671234567');
    assert.equal(e164Number('+1 650 253 0000', 'UA'), '+16502530000');
    assert.equal(e164Number('0671234567'), undefined);
    assert.equal(e164Number('0671234567', 'DE'), '+49671234567');
  });

  it('reads nothing without a country unless the number starts with its country code, as the library itself does', () => {
    const library = createRequire(import.meta.url)('libphonenumber-js') as typeof import('libphonenumber-js');
    const next = seeded(16);
    const characters = '0123456789 ().-/+';
    for (let round = 0; round < 20_000; round++) {
      let text = '';
      const length = 1 + Math.floor(next() * 16);
      for (let index = 0; index < length; index++) text += next() < 0.8 ? String(Math.floor(next() * 10)) : characters[Math.floor(next() * characters.length)];
      const parsed = library.parsePhoneNumberFromString(text.trim());
      assert.equal(e164Number(text), parsed?.isPossible() && /^\+?[\d\s().\-/]+$/.test(text.trim()) ? parsed.number : undefined, JSON.stringify(text));
    }
  });

  it('gives nothing for what is not a number: anonymous, a SIP URI, an extension, one digit, empty', () => {
    for (const text of ['anonymous', 'Anonymous', 'sip:101@example.com', '101@example.com', '101', '7', '', '   ', 'restricted', '+', '0x671234567']) {
      assert.equal(e164Number(text, 'UA'), undefined, JSON.stringify(text));
    }
    assert.equal(e164Number(undefined, 'UA'), undefined);
  });

  it('knows the countries it has rules for', () => {
    assert.equal(isPhoneCountry('UA'), true);
    assert.equal(isPhoneCountry('ua'), false);
    assert.equal(isPhoneCountry('XX'), false);
    assert.equal(isPhoneCountry('UKR'), false);
  });
});

/** A small deterministic generator: the same strings on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
