import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Template, type VariableSource } from './template.js';

const source: VariableSource = {
  channel: (name) => ({ caller_id_number: '0671234567', evil: '${caller_id_number}', empty: '' })[name],
  global: (name) => (name === 'office' ? 'Kyiv' : undefined),
  capture: (reg, group) => (reg === 0 ? ['380671234567', '38', '0671234567'][group] : undefined),
};

test('substitutes channel, domain and capture references', () => {
  const template = Template.compile('n=${caller_id_number} o=$${office} c=&reg0.$2 x=${missing}.');
  assert.equal(template.render(source), 'n=0671234567 o=Kyiv c=0671234567 x=.');
  assert.equal(template.isConstant, false);
});

test('a substituted value is never substituted again', () => {
  assert.equal(Template.compile('${evil}').render(source), '${caller_id_number}');
});

test('text without references is constant and returned as written', () => {
  const template = Template.compile('plain $ text { } & reg');
  assert.equal(template.isConstant, true);
  assert.equal(template.render(source), 'plain $ text { } & reg');
});

test('an unterminated reference stays literal', () => {
  assert.equal(Template.compile('a ${caller_id_number').render(source), 'a ${caller_id_number');
});

test('escape applies to substituted values only', () => {
  const template = Template.compile('.*${caller_id_number}');
  assert.equal(template.render(source, (value) => `[${value}]`), '.*[0671234567]');
});
