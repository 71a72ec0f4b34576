import RE2 from 're2';
import type { Evaluator } from './frame.js';
import type { RawArgument } from './lexer.js';
import { ExpressionSyntaxError } from './types.js';

const DELIMITED = /^\/(.*)\/([a-z]*)$/s;
/** `g` is accepted for compatibility and dropped: only the first match counts, and it would make exec stateful. */
const ALLOWED_FLAGS = /^[imsug]*$/;

/**
 * `&match("/regexp/flags", value)`: true when the value (any expression,
 * as a string) matches; the match's groups become `&reg<n>.$0…` where n
 * counts the `&match` calls evaluated before this one. The regexp is compiled
 * once, with RE2, whose running time is linear in the value: the value is
 * usually the caller ID, which the caller controls.
 */
export function compileMatch(pattern: RawArgument, subject: Evaluator): Evaluator {
  const regexp = compileRegExp(pattern);
  return (frame) => {
    const reg = frame.matches++;
    const value = String(subject(frame));
    // RE2 finds out whether it matches far faster than where its groups are; most calls do not match.
    const found = regexp.test(value) ? regexp.exec(value) : null;
    if (!found) return false;
    frame.env.setCaptures(reg, Array.from(found, (group) => group ?? ''));
    return true;
  };
}

/** `/body/flags`, or — as Webitel also took it — the bare body. */
function compileRegExp(pattern: RawArgument): RE2 {
  const delimited = DELIMITED.exec(pattern.text);
  if (!delimited && pattern.text.startsWith('/')) {
    throw new ExpressionSyntaxError('regular expression is missing its closing "/"', pattern.at);
  }
  const [body, flags] = delimited ? [delimited[1], delimited[2]] : [pattern.text, ''];
  if (!ALLOWED_FLAGS.test(flags)) {
    throw new ExpressionSyntaxError(`invalid regular expression flags "${flags}": use i, m, s, u`, pattern.at);
  }
  try {
    return new RE2(body, flags.replace(/g/g, ''));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ExpressionSyntaxError(`invalid regular expression: ${reason}`, pattern.at);
  }
}
