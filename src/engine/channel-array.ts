/** FreeSWITCH's array variables: `ARRAY::first|:second`, read in schemas as `${name[0]}`, `${name[1]}`. */
export const ARRAY_PREFIX = 'ARRAY::';
export const ARRAY_SEPARATOR = '|:';

export function arrayItems(value: string | undefined): string[] {
  if (value === undefined || value === '') return [];
  return value.startsWith(ARRAY_PREFIX) ? value.slice(ARRAY_PREFIX.length).split(ARRAY_SEPARATOR) : [value];
}

export function formatArray(items: readonly string[]): string {
  return `${ARRAY_PREFIX}${items.join(ARRAY_SEPARATOR)}`;
}
