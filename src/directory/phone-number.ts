/**
 * Phone numbers compared as numbers: a caller ID or a dialled number in any
 * of the ways people and carriers write it (`0671234567`, `380671234567`,
 * `+380671234567`, `+38 (067) 123-45-67`) becomes one E.164 form, read with
 * the domain's country for numbers written nationally.
 */
import { createRequire } from 'node:module';
import type { CountryCode } from 'libphonenumber-js';

type PhoneNumbers = typeof import('libphonenumber-js');
let phoneNumbers: PhoneNumbers | undefined;

/**
 * Loaded on first use (a few hundred ms of module loading on a busy machine): a CDR worker thread that only
 * looks customers up, never reading a written number, starts without it, within a call's time limit.
 */
function library(): PhoneNumbers {
  phoneNumbers ??= createRequire(import.meta.url)('libphonenumber-js') as PhoneNumbers;
  return phoneNumbers;
}

/** Digits with the punctuation people write numbers with; anything else (a name, a SIP URI, `anonymous`) is not a number. */
const WRITTEN_NUMBER = /^\+?[\d\s().\-/]+$/;

/** An ISO 3166-1 alpha-2 code (UA, DE, US) that libphonenumber-js has numbering rules for. */
export function isPhoneCountry(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && library().isSupportedCountry(code);
}

/**
 * The number in E.164 (`+380671234567`), or undefined when the text is not a
 * possible phone number (an extension, a name, a URI, too short or too long).
 * Without a country only numbers written with their country code are read.
 */
export function e164Number(text: string | undefined, country?: string): string | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (!WRITTEN_NUMBER.test(trimmed)) return undefined;
  const defaultCountry = country !== undefined && isPhoneCountry(country) ? (country as CountryCode) : undefined;
  // Without a country only `+…` can be read: the library would say so by throwing, which costs 4× a parse (CDR ingest).
  if (!defaultCountry && !trimmed.startsWith('+')) return undefined;
  const parsed = library().parsePhoneNumberFromString(trimmed, defaultCountry ? { defaultCountry } : undefined);
  return parsed?.isPossible() ? parsed.number : undefined;
}
