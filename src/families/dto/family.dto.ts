import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { CreateImageOsDto } from '../../catalogue/dto/create-image.dto';
import { FIELD_LIMITS } from '../../catalogue/dto/field-limits';
import { PageQuery } from '../../platform/pagination/page.query';

/** The request and response shapes of a family (CONTRACT.md, "Families"). */
export const DRIFT_POLICIES = ['repair', 'report'] as const;
export type DriftPolicyName = (typeof DRIFT_POLICIES)[number];

/** A family's name is a path segment and a label: the connection-name rule, [a-z0-9-], 1–63 characters. */
export const FAMILY_NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const MAX_FAMILY_TARGETS = 50;

/** What the family says of its OS: an image's OS fields (given to every copy; NHN Cloud needs `type`), and more. */
export class FamilyOsDto extends CreateImageOsDto {
  @ApiPropertyOptional({ example: 'ubuntu' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  family?: string;

  @ApiPropertyOptional({ example: 'noble' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  codename?: string;
}

export class FamilyGpuDto {
  @ApiPropertyOptional({ example: 'nvidia' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  vendor?: string;

  @ApiPropertyOptional({ example: '560.35' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  driver?: string;

  @ApiPropertyOptional({ type: [String], example: ['H100'], maxItems: 32 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  models?: string[];
}

export class FamilyTargetRequestDto {
  @ApiProperty({ example: 'fpt-hcm', description: 'Provider connection name', maxLength: FIELD_LIMITS.providerName })
  @IsString()
  @MinLength(1)
  @MaxLength(FIELD_LIMITS.providerName)
  provider!: string;

  @ApiPropertyOptional({
    description: "One of the connection's regions; required when it has several",
    maxLength: FIELD_LIMITS.region,
  })
  @IsOptional()
  @IsString()
  @MaxLength(FIELD_LIMITS.region)
  region?: string;
}

/** Present or absent, never null (a merge patch's null would mean "remove", which these cannot be). */
const PresentOrAbsent = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

export class CreateFamilyDto {
  @ApiProperty({ example: 'gpu-base', pattern: FAMILY_NAME_PATTERN.source, maxLength: 63 })
  @IsString()
  @Matches(FAMILY_NAME_PATTERN, {
    message: 'name must be 1–63 characters of a-z, 0-9 and -, not starting or ending with -',
  })
  name!: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional({ type: FamilyOsDto, description: 'What every version is; its fields are given to each copy' })
  @IsOptional()
  @ValidateNested()
  @Type(() => FamilyOsDto)
  os?: FamilyOsDto;

  @ApiPropertyOptional({ type: FamilyGpuDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => FamilyGpuDto)
  gpu?: FamilyGpuDto;

  @ApiProperty({ type: [FamilyTargetRequestDto], minItems: 1, maxItems: MAX_FAMILY_TARGETS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_FAMILY_TARGETS)
  @ValidateNested({ each: true })
  @Type(() => FamilyTargetRequestDto)
  targets!: FamilyTargetRequestDto[];

  @ApiPropertyOptional({ enum: DRIFT_POLICIES, default: 'report', description: 'What a drifted placement gets' })
  @IsOptional()
  @IsIn(DRIFT_POLICIES)
  onDrift?: DriftPolicyName;
}

/** PATCH /v1/families/{family}: a merge patch; `targets` replaces the whole list. */
export class UpdateFamilyDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 1000, description: 'null removes it' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string | null;

  @ApiPropertyOptional({ type: FamilyOsDto, nullable: true, description: 'Replaces the whole block; null removes it' })
  @IsOptional()
  @ValidateNested()
  @Type(() => FamilyOsDto)
  os?: FamilyOsDto | null;

  @ApiPropertyOptional({ type: FamilyGpuDto, nullable: true, description: 'Replaces the whole block; null removes it' })
  @IsOptional()
  @ValidateNested()
  @Type(() => FamilyGpuDto)
  gpu?: FamilyGpuDto | null;

  @ApiPropertyOptional({
    type: [FamilyTargetRequestDto],
    minItems: 1,
    maxItems: MAX_FAMILY_TARGETS,
    description:
      "The whole list: an added target gets the family's current versions placed; a removed one stops being tracked",
  })
  @PresentOrAbsent()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_FAMILY_TARGETS)
  @ValidateNested({ each: true })
  @Type(() => FamilyTargetRequestDto)
  targets?: FamilyTargetRequestDto[];

  @ApiPropertyOptional({ enum: DRIFT_POLICIES })
  @PresentOrAbsent()
  @IsIn(DRIFT_POLICIES)
  onDrift?: DriftPolicyName;
}

/** `?deleteImages=true|false`: whether the copies at the providers go too. */
export class DeleteImagesQuery {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: "Also delete the family's copies at the providers (copies it made, not reused or source images)",
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  deleteImages?: 'true' | 'false';
}

export class FamilyTargetDto {
  @ApiProperty({ example: 'fpt-hcm' })
  provider!: string;
  @ApiProperty({ type: String, nullable: true, description: 'null where the kind has no regions' })
  region!: string | null;
}

export class FamilyDto {
  @ApiProperty({ example: 'gpu-base' })
  name!: string;
  @ApiProperty({ type: String, nullable: true })
  description!: string | null;
  @ApiProperty({ type: FamilyOsDto, nullable: true })
  os!: FamilyOsDto | null;
  @ApiProperty({ type: FamilyGpuDto, nullable: true })
  gpu!: FamilyGpuDto | null;
  @ApiProperty({ type: [FamilyTargetDto] })
  targets!: FamilyTargetDto[];
  @ApiProperty({ enum: DRIFT_POLICIES, enumName: 'DriftPolicy' })
  onDrift!: DriftPolicyName;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class FamilyListDto {
  @ApiProperty({ type: [FamilyDto] })
  items!: FamilyDto[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export class ListFamiliesQuery extends PageQuery {}
