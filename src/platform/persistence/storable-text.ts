/**
 * What PostgreSQL cannot hold in `text` or `jsonb` unchanged: NUL (refused by
 * both) and a lone UTF-16 surrogate (jsonb refuses its escape; text silently
 * turns it into U+FFFD). One rule for every path that writes provider or
 * client text: the request check (StorableBodyPipe) and the sync's row check.
 * Both tests are native and linear.
 */
export function hasNul(text: string): boolean {
  return text.includes('\u0000');
}

export function hasLoneSurrogate(text: string): boolean {
  return !(text as unknown as WellFormedString).isWellFormed();
}

/** ES2024's String.prototype.isWellFormed, which Node 20 has and lib ES2023 does not declare. */
interface WellFormedString {
  isWellFormed(): boolean;
}
