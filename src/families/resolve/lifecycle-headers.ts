import type { FamilyVersion } from '../../platform/persistence/generated/client';

/**
 * The headers that tell a caller a version is on its way out:
 * `Deprecation: @<unix seconds>` (RFC 9745) from when it is (or is scheduled
 * to be) deprecated; `Sunset` (RFC 8594, an HTTP-date) when it is scheduled to
 * become obsolete or revoked, after which resolve answers 410; and a
 * `successor-version` link to resolve the replacement on the same target.
 */
export function lifecycleHeaders(
  version: Pick<FamilyVersion, 'state' | 'stateAt' | 'scheduledState' | 'scheduledAt' | 'replacement'>,
  successorUrl: (replacement: string) => string,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const deprecatedAt =
    version.state === 'deprecated'
      ? version.stateAt
      : version.scheduledState === 'deprecated'
        ? version.scheduledAt
        : null;
  const sunsetAt =
    version.scheduledState === 'obsolete' || version.scheduledState === 'revoked' ? version.scheduledAt : null;
  if (deprecatedAt) headers.deprecation = `@${Math.floor(deprecatedAt.getTime() / 1000)}`;
  if (sunsetAt) headers.sunset = sunsetAt.toUTCString();
  if ((deprecatedAt || sunsetAt) && version.replacement) {
    headers.link = `<${successorUrl(version.replacement)}>; rel="successor-version"`;
  }
  return headers;
}
