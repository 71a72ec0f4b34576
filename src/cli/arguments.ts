/** Parsers of command-line option values. */
import { UsageError } from './failure.js';

/** `--var name=value`, repeatable. */
export function collectVariable(text: string, previous: Record<string, string>): Record<string, string> {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--var ${JSON.stringify(text)}: expected name=value`);
  return { ...previous, [text.slice(0, eq)]: text.slice(eq + 1) };
}

export function parseInstant(text: string, option: string): Date {
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(date.getTime())) {
    throw new UsageError(`${option} ${JSON.stringify(text)}: expected an ISO-8601 time such as 2026-11-24T12:00:00Z`);
  }
  return date;
}
