import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateDateMath } from './date-math.js';

const NOW = new Date('2024-05-15T10:37:42.123Z');
const iso = (millis: number) => new Date(millis).toISOString();
const at = (value: string, roundUp: boolean, extra: { timeZone?: string; format?: string } = {}) => iso(evaluateDateMath(value, { now: NOW, roundUp, ...extra }));

describe('date math', () => {
  it('adds and subtracts units', () => {
    assert.equal(at('now', false), '2024-05-15T10:37:42.123Z');
    assert.equal(at('now-30m', false), '2024-05-15T10:07:42.123Z');
    assert.equal(at('now+1d-2h', false), '2024-05-16T08:37:42.123Z');
    assert.equal(at('now-1M', false), '2024-04-15T10:37:42.123Z');
    assert.equal(at('now-1y', false), '2023-05-15T10:37:42.123Z');
  });
  it('gte and lt round down to the start of the unit', () => {
    assert.equal(at('now-30m/m', false), '2024-05-15T10:07:00.000Z');
    assert.equal(at('now/d', false), '2024-05-15T00:00:00.000Z');
    assert.equal(at('now/M', false), '2024-05-01T00:00:00.000Z');
    assert.equal(at('now/w', false), '2024-05-13T00:00:00.000Z');
    assert.equal(at('now/y', false), '2024-01-01T00:00:00.000Z');
    assert.equal(at('now/h', false), '2024-05-15T10:00:00.000Z');
    assert.equal(at('now/s', false), '2024-05-15T10:37:42.000Z');
  });
  it('gt and lte round up to the last millisecond of the unit', () => {
    assert.equal(at('now-30m/m', true), '2024-05-15T10:07:59.999Z');
    assert.equal(at('now/d', true), '2024-05-15T23:59:59.999Z');
    assert.equal(at('now/M', true), '2024-05-31T23:59:59.999Z');
    assert.equal(at('now/w', true), '2024-05-19T23:59:59.999Z');
  });
  it('rounds in the request time zone', () => {
    assert.equal(at('now/d', false, { timeZone: 'Europe/Kyiv' }), '2024-05-14T21:00:00.000Z');
    assert.equal(at('now/d', true, { timeZone: '+03:00' }), '2024-05-15T20:59:59.999Z');
  });
  it('anchors on a date with ||', () => {
    assert.equal(at('2024-02-28||+1d', false), '2024-02-29T00:00:00.000Z');
    assert.equal(at('2024-02-28||+1d/M', true), '2024-02-29T23:59:59.999Z');
  });
  it('fills missing components with their maximum when rounding up', () => {
    assert.equal(at('2024-05-01', false), '2024-05-01T00:00:00.000Z');
    assert.equal(at('2024-05-01', true), '2024-05-01T23:59:59.999Z');
    assert.equal(at('2024-05-01T10:30', true), '2024-05-01T10:30:59.999Z');
    assert.equal(at('2024-05-01T10:30:00.250Z', true), '2024-05-01T10:30:00.250Z');
  });
  it('reads dates in the request zone and format', () => {
    assert.equal(at('2024-05-01 14:00:00', false, { format: 'yyyy-MM-dd HH:mm:ss', timeZone: 'Europe/Kyiv' }), '2024-05-01T11:00:00.000Z');
    assert.equal(at('01/05/2024', false, { format: 'dd/MM/yyyy' }), '2024-05-01T00:00:00.000Z');
    assert.equal(at('1714557600', false, { format: 'epoch_second' }), '2024-05-01T10:00:00.000Z');
    assert.equal(at('2024-05-01T10:00:00+02:00', false, { timeZone: 'Europe/Kyiv' }), '2024-05-01T08:00:00.000Z');
  });
  it('rounds before 1970 as after it, and mixes fixed and calendar units', () => {
    const before1970 = (value: string, roundUp: boolean) => iso(evaluateDateMath(value, { now: new Date('1969-12-31T23:59:30.500Z'), roundUp }));
    assert.equal(before1970('now/m', false), '1969-12-31T23:59:00.000Z');
    assert.equal(before1970('now/m', true), '1969-12-31T23:59:59.999Z');
    assert.equal(before1970('now+1m/d', false), '1970-01-01T00:00:00.000Z');
    assert.equal(at('now-1M/d+36h', false), '2024-04-16T12:00:00.000Z');
    assert.equal(at('now/d-1M', true), '2024-04-15T23:59:59.999Z');
  });
  it('refuses what it cannot read', () => {
    assert.throws(() => at('now-1x', false), /date math/);
    assert.throws(() => at('now/2d', false), /single unit/);
    assert.throws(() => at('tomorrow', false), /failed to parse date/);
    assert.throws(() => at('now', false, { timeZone: 'Mars/Base' }), /unknown time zone/);
  });
});
