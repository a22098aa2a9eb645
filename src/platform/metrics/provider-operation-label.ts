/**
 * A low-cardinality name for a provider call: its method and path with every
 * identifier replaced by `{id}` (`PUT /v2/images/{id}/file`), so a metric has
 * one series per kind of call, not one per image.
 */
export function providerOperationLabel(method: string, path: string): string {
  const segments = path
    .split('/')
    .map((segment) => (looksLikeIdentifier(segment) ? '{id}' : segment))
    .join('/');
  return `${method} ${segments}`;
}

function looksLikeIdentifier(segment: string): boolean {
  if (segment === '') return false;
  if (/^\d+$/.test(segment)) return true;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(segment)) return true;
  // Opaque ids (hex digests, ULIDs, provider-native ids): long, and mixing digits in.
  return segment.length >= 12 && /\d/.test(segment) && /^[A-Za-z0-9_.:-]+$/.test(segment);
}
