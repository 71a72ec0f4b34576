import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { domainConfig } from '../config/schema.js';
import type { Weekday } from '../directory/directory.js';
import { formatJsonPath } from '../json-path.js';
import { loadErrors, runApp, testDirectory, testDomain } from '../../test/support/engine.js';

const WEEKDAYS_9_TO_6 = { days: ['mon', 'tue', 'wed', 'thu', 'fri'] as Weekday[], from: '09:00', to: '18:00' };

const directory = testDirectory([
  testDomain({
    calendars: [
      {
        name: 'office',
        accept: [WEEKDAYS_9_TO_6, { days: ['sat'], from: '10:00', to: '14:00' }],
        except: [{ date: '2026-11-26', name: 'company day' }, { date: '2020-12-25', yearly: true, name: 'Christmas' }],
      },
      { name: 'new-york', timeZone: 'America/New_York', accept: [WEEKDAYS_9_TO_6] },
      { name: 'season', startDate: '2026-12-01', endDate: '2027-02-28' },
    ],
  }),
]);

/** Runs the calendar app at `now` (an ISO instant) and returns what it stored. */
async function calendarAt(now: string, args: object, variables: Record<string, string> = {}) {
  const { call, step, logger } = await runApp({ calendar: { setVar: 'open', ...args } }, { variables }, { directory, now: new Date(now) });
  return { value: call.getVariable('open'), step, logger };
}

describe('calendar', () => {
  it('is "true" inside the open hours, read in the domain’s zone', async () => {
    // 10:30 UTC is 12:30 in Kyiv, a Tuesday.
    const { value, step } = await calendarAt('2026-11-24T10:30:00Z', { name: 'office' });
    assert.equal(value, 'true');
    assert.equal(step.result, '2026-11-24 tue 12:30 Europe/Kyiv: true');
  });

  it('opens at "from" and closes at "to"', async () => {
    assert.equal((await calendarAt('2026-11-24T06:59:59Z', { name: 'office' })).value, 'false');
    assert.equal((await calendarAt('2026-11-24T07:00:00Z', { name: 'office' })).value, 'true');
    assert.equal((await calendarAt('2026-11-24T15:59:59Z', { name: 'office' })).value, 'true');
    assert.equal((await calendarAt('2026-11-24T16:00:00Z', { name: 'office' })).value, 'false');
  });

  it('follows the day of the week', async () => {
    assert.equal((await calendarAt('2026-11-28T09:00:00Z', { name: 'office' })).value, 'true', 'Saturday 11:00');
    assert.equal((await calendarAt('2026-11-28T13:00:00Z', { name: 'office' })).value, 'false', 'Saturday 15:00');
    assert.equal((await calendarAt('2026-11-29T10:00:00Z', { name: 'office' })).value, 'false', 'Sunday');
  });

  it('uses the calendar’s own zone when it has one', async () => {
    // 10:30 UTC is 05:30 in New York; 14:30 UTC is 09:30.
    assert.equal((await calendarAt('2026-11-24T10:30:00Z', { name: 'new-york' })).value, 'false');
    const { value, step } = await calendarAt('2026-11-24T14:30:00Z', { name: 'new-york' });
    assert.equal(value, 'true');
    assert.equal(step.result, '2026-11-24 tue 09:30 America/New_York: true');
  });

  it('is closed on holidays, one-off or yearly; extended says "holiday"', async () => {
    const oneOff = await calendarAt('2026-11-26T10:00:00Z', { name: 'office' });
    assert.equal(oneOff.value, 'false');
    assert.equal(oneOff.step.result, '2026-11-26 thu 12:00 Europe/Kyiv: holiday → false');
    assert.equal((await calendarAt('2026-11-26T10:00:00Z', { name: 'office', extended: true })).value, 'holiday');
    assert.equal((await calendarAt('2028-12-25T10:00:00Z', { name: 'office', extended: true })).value, 'holiday', 'Monday, Christmas');
    assert.equal((await calendarAt('2027-11-26T10:00:00Z', { name: 'office', extended: true })).value, 'true', 'a one-off holiday does not repeat');
  });

  it('extended says "ahead" before startDate and "expire" after endDate; a calendar without hours is always open', async () => {
    assert.equal((await calendarAt('2026-11-30T12:00:00Z', { name: 'season', extended: true })).value, 'ahead');
    assert.equal((await calendarAt('2026-11-30T12:00:00Z', { name: 'season' })).value, 'false');
    assert.equal((await calendarAt('2027-01-03T03:00:00Z', { name: 'season', extended: true })).value, 'true');
    assert.equal((await calendarAt('2027-03-01T12:00:00Z', { name: 'season', extended: true })).value, 'expire');
  });

  it('takes the name from a variable; an unknown calendar gives "" and a warning', async () => {
    assert.equal((await calendarAt('2026-11-24T10:30:00Z', { name: '${which}' }, { which: 'office' })).value, 'true');
    const unknown = await calendarAt('2026-11-24T10:30:00Z', { name: 'ofice' });
    assert.equal(unknown.value, '');
    assert.equal(unknown.step.result, 'unknown calendar "ofice" in example.com → ""');
    assert.equal(unknown.logger.warnings.length, 1);
  });

  it('rejects bad arguments at load', () => {
    assert.deepEqual(loadErrors([{ calendar: { name: 'office' } }]), [{ path: '[0].calendar.setVar', message: 'missing; expected string' }]);
    assert.deepEqual(loadErrors([{ calendar: { name: 'office', setVar: 'x', extended: 'yes' } }]), [
      { path: '[0].calendar.extended', message: 'expected one of true, false' },
    ]);
  });
});

describe('calendars in the domain configuration', () => {
  function configErrors(calendars: unknown[]) {
    const parsed = domainConfig.safeParse(testDomain({ calendars: calendars as never }));
    assert.ok(!parsed.success, 'expected the configuration to be rejected');
    return parsed.error.issues.map((issue) => `${formatJsonPath(issue.path)}: ${issue.message}`);
  }

  it('rejects malformed hours, days and dates with their paths', () => {
    assert.deepEqual(configErrors([{ name: 'a', accept: [{ days: ['mon'], from: '9:00', to: '18:00' }] }]), [
      'calendars[0].accept[0].from: expected HH:MM from 00:00 to 24:00',
    ]);
    assert.deepEqual(configErrors([{ name: 'a', accept: [{ days: ['mon'], from: '18:00', to: '09:00' }] }]), [
      'calendars[0].accept[0].to: expected "to" after "from"; split a span over midnight into two',
    ]);
    assert.deepEqual(configErrors([{ name: 'a', accept: [{ days: ['monday'], from: '09:00', to: '18:00' }] }]).length, 1);
    assert.deepEqual(configErrors([{ name: 'a', except: [{ date: '2026-02-30' }] }]), ['calendars[0].except[0].date: expected a date YYYY-MM-DD']);
    assert.deepEqual(configErrors([{ name: 'a', startDate: '2027-01-01', endDate: '2026-01-01' }]), [
      'calendars[0].endDate: expected endDate on or after startDate',
    ]);
    assert.deepEqual(configErrors([{ name: 'a' }, { name: 'a' }]), ['calendars[1].name: duplicate calendar "a"']);
  });

  it('accepts a full day ending at 24:00', () => {
    assert.ok(domainConfig.safeParse(testDomain({ calendars: [{ name: 'a', accept: [{ days: ['sun'], from: '00:00', to: '24:00' }] }] })).success);
  });
});
