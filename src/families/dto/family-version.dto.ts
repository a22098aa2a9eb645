import { ApiProperty } from '@nestjs/swagger';
import { JobErrorDto } from '../../jobs/dto/job.dto';

/** The response shapes of a version and its placements: the contract every families route answers with. */
export const VERSION_STATES = ['active', 'deprecated', 'obsolete', 'revoked'] as const;
export type VersionStateName = (typeof VERSION_STATES)[number];
export const PLACEMENT_STATUSES = ['pending', 'placing', 'active', 'failed', 'drifted', 'removed'] as const;
export type PlacementStatusName = (typeof PLACEMENT_STATUSES)[number];

export class PlacementDto {
  @ApiProperty({ format: 'uuid', description: 'Names the placement in …/placements/{placementId}/retry' })
  id!: string;
  @ApiProperty({ example: 'fpt-hcm' })
  provider!: string;
  @ApiProperty({ type: String, nullable: true, description: "The target's region; null where the kind has none" })
  region!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The broker id of the copy, once known' })
  imageId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The provider's own id of the copy, once known" })
  nativeId!: string | null;
  @ApiProperty({ enum: PLACEMENT_STATUSES, enumName: 'PlacementStatus' })
  status!: PlacementStatusName;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The job that placed it last' })
  jobId!: string | null;
  @ApiProperty({ type: JobErrorDto, nullable: true })
  error!: JobErrorDto | null;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class ScheduledStateDto {
  @ApiProperty({ enum: VERSION_STATES, enumName: 'VersionState' })
  state!: VersionStateName;
  @ApiProperty({ format: 'date-time' })
  at!: string;
}

export class FamilyVersionDto {
  @ApiProperty({ example: 'gpu-base' })
  family!: string;
  @ApiProperty({ example: '2026.12' })
  version!: string;
  @ApiProperty({ example: 'a3f…', description: "The version's identity: its image's sha256 (hex)" })
  sha256!: string;
  @ApiProperty({ type: 'integer', format: 'int64', nullable: true })
  sizeBytes!: number | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The broker image it was published from' })
  sourceImageId!: string | null;
  @ApiProperty({ enum: VERSION_STATES, enumName: 'VersionState' })
  state!: VersionStateName;
  @ApiProperty({ format: 'date-time', description: 'When the current state took effect' })
  stateAt!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The version to move to instead' })
  replacement!: string | null;
  @ApiProperty({ type: ScheduledStateDto, nullable: true, description: 'A state change still to come' })
  scheduled!: ScheduledStateDto | null;
  @ApiProperty({ type: [String], description: 'Channels that point at this version' })
  channels!: string[];
  @ApiProperty({ type: [PlacementDto] })
  placements!: PlacementDto[];
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class FamilyVersionListDto {
  @ApiProperty({ type: [FamilyVersionDto] })
  items!: FamilyVersionDto[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
