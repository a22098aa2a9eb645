import { ApiProperty } from '@nestjs/swagger';
import { IMAGE_KINDS, IMAGE_STATUSES, IMAGE_VISIBILITIES } from '../../providers/port/normalized-image';
import type { ImageKind, ImageStatus, ImageVisibility } from '../../providers/port/normalized-image';

export class ImageOsDto {
  @ApiProperty({ type: String, nullable: true, example: 'linux', description: 'linux or windows' })
  type!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'debian', description: 'Distro family, from a fixed table' })
  family!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'ubuntu' })
  distro!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '22.04' })
  version!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'jammy' })
  codename!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'x86_64', description: 'x86_64 or aarch64' })
  architecture!: string | null;
}

export class ImageGpuDto {
  @ApiProperty({ type: String, nullable: true, example: 'nvidia' })
  vendor!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '550.54.15' })
  driver!: string | null;
  @ApiProperty({ type: [String], example: ['H100', 'A100'] })
  models!: string[];
}

export class ImageChecksumsDto {
  @ApiProperty({ type: String, nullable: true })
  md5!: string | null;
  @ApiProperty({ type: String, nullable: true })
  sha256!: string | null;
  @ApiProperty({ type: String, nullable: true })
  sha512!: string | null;
}

/** An image of the one normalized catalogue (CONTRACT.md). Unknown values are null. */
export const PORTAL_SYNC_STATES = ['pending', 'synced'] as const;

export class ImagePortalSyncDto {
  @ApiProperty({
    enum: PORTAL_SYNC_STATES,
    enumName: 'PortalSyncState',
    description: 'pending: the bytes landed but the portal sync failed; retry with POST /v1/images/{id}/portal-sync',
  })
  state!: (typeof PORTAL_SYNC_STATES)[number];
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the portal sync last succeeded',
  })
  syncedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why the last portal sync failed, while pending' })
  lastError!: string | null;
}

export class ImageDto {
  @ApiProperty({ format: 'uuid', description: "The broker's id (opaque)" })
  id!: string;
  @ApiProperty({ example: 'nhn-kr1', description: 'Provider connection name' })
  provider!: string;
  @ApiProperty({ example: 'openstack-glance' })
  providerKind!: string;
  @ApiProperty({ type: String, nullable: true, example: 'kr1' })
  region!: string | null;
  @ApiProperty({ description: "The provider's own id" })
  nativeId!: string;
  @ApiProperty({ type: String, nullable: true })
  name!: string | null;
  @ApiProperty({ enum: IMAGE_KINDS, enumName: 'ImageKind', nullable: true })
  kind!: ImageKind | null;
  @ApiProperty({ enum: IMAGE_VISIBILITIES, enumName: 'ImageVisibility', nullable: true })
  visibility!: ImageVisibility | null;
  @ApiProperty({ enum: IMAGE_STATUSES, enumName: 'ImageStatus', nullable: true })
  status!: ImageStatus | null;
  @ApiProperty({ type: String, nullable: true, description: "The provider's own status value", example: 'active' })
  nativeStatus!: string | null;
  @ApiProperty({ type: ImageOsDto })
  os!: ImageOsDto;
  @ApiProperty({ type: ImageGpuDto, nullable: true })
  gpu!: ImageGpuDto | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, nullable: true, example: { cuda: '12.4' } })
  softwareVersions!: Record<string, string> | null;
  @ApiProperty({ type: Number, nullable: true, format: 'int64' })
  sizeBytes!: number | null;
  @ApiProperty({ type: Number, nullable: true })
  minDiskGiB!: number | null;
  @ApiProperty({ type: Number, nullable: true })
  minRamMiB!: number | null;
  @ApiProperty({ type: String, nullable: true, example: 'qcow2' })
  diskFormat!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'bare' })
  containerFormat!: string | null;
  @ApiProperty({ type: ImageChecksumsDto })
  checksums!: ImageChecksumsDto;
  @ApiProperty({ type: [String] })
  tags!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true })
  properties!: Record<string, unknown>;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, nullable: true })
  versions!: unknown[] | null;
  @ApiProperty({ type: Boolean, nullable: true })
  protected!: boolean | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: "The provider's creation time" })
  createdAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: "The provider's update time" })
  updatedAt!: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When a successful sync last confirmed this record',
  })
  syncedAt!: string | null;
  @ApiProperty({
    type: ImagePortalSyncDto,
    nullable: true,
    description:
      "The provider's publish-after-upload step (FPT Metal Cloud: sync to the portal), where it has one and it has " +
      'run; null otherwise',
  })
  portalSync!: ImagePortalSyncDto | null;
}

export class ImageListDto {
  @ApiProperty({ type: [ImageDto] })
  items!: ImageDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor!: string | null;
}
