import type { ProfileSummary } from '../commands/profileSummary.js';

/** What the picker's filter reads of a profile. */
export type Filterable = Pick<ProfileSummary, 'name' | 'kind' | 'account' | 'role'>;

/**
 * The profiles the picker shows for what was typed: every word of `term` (split on
 * whitespace) must occur, ignoring case, in the profile's name, kind, account or role;
 * a word may match one field and the next word another (`prod admin` finds profile
 * `prod-ops` whose role is `Admin`). An empty or blank term keeps every profile. The order
 * is kept.
 */
export function filterProfiles<T extends Filterable>(profiles: readonly T[], term: string | undefined): T[] {
  const words = (term ?? '').toLowerCase().split(/\s+/).filter((word) => word !== '');
  if (words.length === 0) return [...profiles];
  return profiles.filter((profile) => {
    const fields = [profile.name, profile.kind, profile.account ?? '', profile.role ?? ''].map((field) => field.toLowerCase());
    return words.every((word) => fields.some((field) => field.includes(word)));
  });
}
