/**
 * DTMF carried in SIP INFO bodies: application/dtmf-relay ("Signal=5",
 * "Duration=160", in ms) and application/dtmf (the digit alone). Durations are
 * clamped: phones send 0, or minutes.
 */
import { DTMF_DIGITS } from './digits.js';

export const INFO_DURATION_MS = { min: 40, default: 250, max: 5000 } as const;

export class DtmfInfoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DtmfInfoError';
  }
}

/** The digit of an INFO body of the given Content-Type; throws DtmfInfoError with the reason. */
export function parseDtmfInfo(contentType: string, body: string): { digit: string; durationMs: number } {
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (type === 'application/dtmf-relay') return parseDtmfRelay(body);
  if (type === 'application/dtmf') return { digit: parseSignal(body.trim()), durationMs: INFO_DURATION_MS.default };
  throw new DtmfInfoError(`Content-Type ${type || '(none)'} carries no DTMF (expected application/dtmf-relay or application/dtmf)`);
}

function parseDtmfRelay(body: string): { digit: string; durationMs: number } {
  const fields = new Map<string, string>();
  for (const line of body.split(/\r?\n/)) {
    const separator = line.indexOf('=');
    if (separator > 0) fields.set(line.slice(0, separator).trim().toLowerCase(), line.slice(separator + 1).trim());
  }
  const signal = fields.get('signal');
  if (signal === undefined) throw new DtmfInfoError('the application/dtmf-relay body has no Signal= line');
  return { digit: parseSignal(signal), durationMs: clampDuration(fields.get('duration')) };
}

/** A digit, or its event number (some phones send Signal=10 for * and 11 for #). */
function parseSignal(signal: string): string {
  if (/^\d{2}$/.test(signal) && Number(signal) < DTMF_DIGITS.length) return DTMF_DIGITS[Number(signal)];
  const digit = signal.toUpperCase();
  if (digit.length !== 1 || !DTMF_DIGITS.includes(digit)) throw new DtmfInfoError(`"${signal}" is not a DTMF signal (0-9, *, #, A-D)`);
  return digit;
}

function clampDuration(text: string | undefined): number {
  const value = text === undefined ? NaN : Number(text);
  if (!Number.isFinite(value)) return INFO_DURATION_MS.default;
  return Math.min(INFO_DURATION_MS.max, Math.max(INFO_DURATION_MS.min, Math.round(value)));
}
