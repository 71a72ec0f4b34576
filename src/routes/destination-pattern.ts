import RE2 from 're2';

/**
 * A default route's pattern: a regular expression in JavaScript syntax, found
 * anywhere in the destination number unless anchored (`^\d{3}$`), with no
 * flags. Compiled with RE2 because the destination comes from a phone: its
 * running time is linear in the number. RE2 has no lookbehind and no
 * backreferences; such a pattern is refused when the configuration loads.
 */
export function compileDestinationPattern(pattern: string): RE2 {
  return new RE2(pattern);
}

/** Why a pattern does not compile, or undefined when it does. */
export function destinationPatternProblem(pattern: string): string | undefined {
  try {
    compileDestinationPattern(pattern);
    return undefined;
  } catch (error) {
    return `invalid regular expression (RE2 syntax: no lookbehind, no backreferences): ${(error as Error).message}`;
  }
}
