/**
 * The candidate nearest to a misspelt `name` by edit distance, when it is
 * close enough to be a typo (at most 2 edits, or a third of the name).
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = levenshtein(wanted, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  let above = Array.from({ length: b.length + 1 }, (_, column) => column);
  for (let row = 1; row <= a.length; row++) {
    const current = [row];
    for (let column = 1; column <= b.length; column++) {
      const substitution = above[column - 1] + (a[row - 1] === b[column - 1] ? 0 : 1);
      current[column] = Math.min(above[column] + 1, current[column - 1] + 1, substitution);
    }
    above = current;
  }
  return above[b.length];
}
