import type { GlanceConnection } from '../../config/provider-connection.types';
import type { CreateImageSpec } from '../../provider-port/provider-writes';
import { ProviderRejectedError } from '../../provider-port/provider.errors';
import { normalizeArchitecture, osType } from '../shared/os-normalization';
import { assertPropertyKeys, assertVisibilityAllowed } from './glance-write-rules';

type Dialect = GlanceConnection['dialect'];

/**
 * Architecture as each dialect writes it: NHN's own images say `amd64`
 * (Debian style, so arm is `arm64`); standard Glance uses Nova's libosinfo
 * names, which are the normalized ones (x86_64, aarch64).
 */
const NHN_ARCHITECTURES: Readonly<Record<string, string>> = { x86_64: 'amd64', aarch64: 'arm64' };

/**
 * CreateImageSpec → the `POST /v2/images` body. Custom properties become
 * top-level string keys (that is where Glance stores them, on NHN too); the
 * spec's own fields are set after them, so they win over a same-named property.
 * `region` is not sent: a Glance connection serves one region. `sizeBytes` and
 * `sha256` are not sent either: Glance computes size and hashes from the data.
 */
export function glanceCreateRequest(
  spec: CreateImageSpec,
  dialect: Dialect,
  provider: string,
): Record<string, unknown> {
  assertPropertyKeys(provider, Object.keys(spec.properties));
  if (spec.visibility !== null) assertVisibilityAllowed(provider, dialect, spec.visibility);

  const body: Record<string, unknown> = { ...spec.properties, name: spec.name };
  // Glance takes a client-chosen id; a second create with it answers 409 instead of making another image.
  if (spec.clientId !== undefined) body.id = spec.clientId.toLowerCase();
  setIfPresent(body, 'container_format', spec.containerFormat);
  setIfPresent(body, 'disk_format', spec.diskFormat);
  setIfPresent(body, 'visibility', spec.visibility);
  setIfPresent(body, 'min_disk', spec.minDiskGiB);
  setIfPresent(body, 'min_ram', spec.minRamMiB);
  setIfPresent(body, 'protected', spec.protected);
  if (spec.tags.length > 0) body.tags = [...spec.tags];

  const type = spec.os.type === null ? null : (osType(spec.os.type) ?? spec.os.type);
  setIfPresent(body, 'os_type', type);
  setIfPresent(body, 'os_distro', spec.os.distro);
  setIfPresent(body, 'os_version', spec.os.version);
  const architecture = spec.os.architecture === null ? null : normalizeArchitecture(spec.os.architecture);
  if (architecture !== null) {
    if (dialect === 'nhn') body.os_architecture = NHN_ARCHITECTURES[architecture] ?? architecture;
    else body.architecture = architecture;
  }

  if (dialect === 'nhn') assertNhnOsType(body.os_type, provider);
  return body;
}

/** NHN refuses an image without os_type (windows or linux): say so before Glance does, naming our field. */
function assertNhnOsType(value: unknown, provider: string): void {
  if (value === undefined) {
    throw new ProviderRejectedError(
      provider,
      `Provider '${provider}' (NHN Cloud) requires os.type ('linux' or 'windows') to register an image`,
    );
  }
  if (value !== 'linux' && value !== 'windows') {
    throw new ProviderRejectedError(
      provider,
      `Provider '${provider}' (NHN Cloud) accepts os.type 'linux' or 'windows' only, not '${String(value)}'`,
    );
  }
}

function setIfPresent(body: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== null && value !== undefined) body[key] = value;
}
