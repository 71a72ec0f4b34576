/**
 * How a dialled public number (DID) is matched. Carriers send the same number
 * in several forms; the rule is exact apart from these, which are defined
 * without guessing the caller's country:
 *
 * - RFC 3966 visual separators (`-`, `.`, `(`, `)`) and spaces are ignored;
 * - a leading `+` is optional on either side;
 * - with a domain's `routes.nationalFormat` (country code and trunk prefix,
 *   e.g. 380 and 0), a number configured nationally (`0441234567`) also
 *   answers to its international forms (`380441234567`, `+380441234567`), and
 *   one configured internationally *with* `+` (`+380441234567`) also answers
 *   to its national form. Where the trunk prefix stays in international
 *   numbers (Italy), leave nationalFormat out and list the forms you receive.
 *
 * Every form is put in the lookup table when the configuration loads, so a
 * call's number is looked up as it arrives, with no rewriting.
 */
export interface NationalFormat {
  countryCode: string;
  trunkPrefix: string;
}

const VISUAL_SEPARATOR = /[-.() ]/;
const VISUAL_SEPARATORS = new RegExp(VISUAL_SEPARATOR.source, 'g');

/** The numbers a configured DID answers to; the first is the configured one without separators or `+`. */
export function didForms(configured: string, national: NationalFormat | undefined): string[] {
  const written = withoutSeparators(configured);
  const digits = written.startsWith('+') ? written.slice(1) : written;
  if (national) {
    const { countryCode, trunkPrefix } = national;
    if (written.startsWith(`+${countryCode}`)) {
      return [digits, written, trunkPrefix + digits.slice(countryCode.length)];
    }
    if (!written.startsWith('+') && written.startsWith(trunkPrefix)) {
      const international = countryCode + written.slice(trunkPrefix.length);
      return [written, international, `+${international}`];
    }
  }
  return [digits, `+${digits}`];
}

/** The dialled number as it should be looked up among the forms of {@link didForms}. */
export function withoutSeparators(number: string): string {
  // Most numbers have none: test first so that the common case does not allocate.
  return VISUAL_SEPARATOR.test(number) ? number.replace(VISUAL_SEPARATORS, '') : number;
}

/**
 * A caller's number from outside in the domain's national form, so a
 * call-back from `+380671234567` finds the CDR of a call to `0671234567`:
 * `+<cc>…` and `00<cc>…` always, `<cc>…` without prefix only when it is long
 * enough to be international (at least 8 digits after the country code).
 * Anything else is returned as it came.
 */
export function nationalCallerNumber(number: string, national: NationalFormat): string {
  const { countryCode, trunkPrefix } = national;
  const written = withoutSeparators(number);
  const international = written.startsWith('+') ? written.slice(1) : written.startsWith('00') ? written.slice(2) : undefined;
  const rest = (digits: string) => digits.slice(countryCode.length);
  if (international !== undefined) return international.startsWith(countryCode) ? trunkPrefix + rest(international) : written;
  const bareInternational = written.startsWith(countryCode) && /^\d+$/.test(written) && rest(written).length >= MIN_NATIONAL_DIGITS;
  return bareInternational ? trunkPrefix + rest(written) : written;
}

/** The shortest national significant number taken as such after a bare country code. */
const MIN_NATIONAL_DIGITS = 8;
