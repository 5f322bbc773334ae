/** Levenshtein distance, for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Up to `limit` names close to `wanted`: a small edit distance (a third of the length, at
 * least 2), or one containing the other. Closest first.
 */
export function suggestNames(wanted: string, names: Iterable<string>, limit = 3): string[] {
  const target = wanted.toLowerCase();
  const scored: { name: string; score: number }[] = [];
  const most = Math.max(2, Math.floor(target.length / 3));
  for (const name of names) {
    const candidate = name.toLowerCase();
    const contains = target.length >= 3 && (candidate.includes(target) || target.includes(candidate));
    // The distance is at least the difference in length: no need to compute it (quadratic,
    // and a generated config may hold a name of a megabyte) when that alone rules it out.
    if (Math.abs(target.length - candidate.length) > most) {
      if (contains) scored.push({ name, score: 1 });
      continue;
    }
    const distance = editDistance(target, candidate);
    if (distance <= most || contains) {
      scored.push({ name, score: contains ? Math.min(distance, 1) : distance });
    }
  }
  return scored
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((s) => s.name);
}
