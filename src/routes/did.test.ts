import assert from 'node:assert/strict';
import { test } from 'node:test';
import { didForms, nationalCallerNumber, withoutSeparators } from './did.js';

const UKRAINE = { countryCode: '380', trunkPrefix: '0' };

test('without a national format a DID answers to itself with and without +', () => {
  assert.deepEqual(didForms('0441234567', undefined), ['0441234567', '+0441234567']);
  assert.deepEqual(didForms('+380441234567', undefined), ['380441234567', '+380441234567']);
});

test('visual separators in a configured DID are ignored', () => {
  assert.deepEqual(didForms('+380 (44) 123-45.67', undefined), ['380441234567', '+380441234567']);
});

test('with a national format a national DID also answers to its international forms', () => {
  assert.deepEqual(didForms('0441234567', UKRAINE), ['0441234567', '380441234567', '+380441234567']);
});

test('with a national format an international DID written with + also answers to its national form', () => {
  assert.deepEqual(didForms('+380441234567', UKRAINE), ['380441234567', '+380441234567', '0441234567']);
});

test('numbers of another country, and those without + or trunk prefix, are not rewritten', () => {
  assert.deepEqual(didForms('+48221234567', UKRAINE), ['48221234567', '+48221234567']);
  // Without +, a number starting with the country code could be a short number: only itself.
  assert.deepEqual(didForms('3801', UKRAINE), ['3801', '+3801']);
});

test('withoutSeparators removes only RFC 3966 visual separators and spaces', () => {
  assert.equal(withoutSeparators('+380-44-123.45.67'), '+380441234567');
  assert.equal(withoutSeparators('(044) 123 4567'), '0441234567');
  assert.equal(withoutSeparators('*21#'), '*21#');
});

test('callers from outside are put in the national form of the route domain', () => {
  const ukraine = { countryCode: '380', trunkPrefix: '0' };
  assert.equal(nationalCallerNumber('+380671234567', ukraine), '0671234567');
  assert.equal(nationalCallerNumber('00380671234567', ukraine), '0671234567');
  assert.equal(nationalCallerNumber('380671234567', ukraine), '0671234567');
  assert.equal(nationalCallerNumber('+38 (067) 123-45-67', ukraine), '0671234567');
  assert.equal(nationalCallerNumber('0671234567', ukraine), '0671234567', 'already national');
  assert.equal(nationalCallerNumber('+14155550100', ukraine), '+14155550100', 'another country stays international');
  assert.equal(nationalCallerNumber('3801234', ukraine), '3801234', 'too short to be international');
  assert.equal(nationalCallerNumber('anonymous', ukraine), 'anonymous');
});
