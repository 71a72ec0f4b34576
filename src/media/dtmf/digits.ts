/** DTMF digits as RFC 4733 numbers them (events 0–15). */
export const DTMF_DIGITS = '0123456789*#ABCD';

export type DigitSource = 'rfc4733' | 'sip-info' | 'inband';

/** One key press, however it reached us. */
export interface DigitEvent {
  digit: string;
  /** How long the key was pressed, as far as known when it is reported (in-band: the 40 ms it took to detect). */
  durationMs: number;
  source: DigitSource;
}

export function isDtmfDigit(value: string): boolean {
  return value.length === 1 && DTMF_DIGITS.includes(value.toUpperCase());
}
