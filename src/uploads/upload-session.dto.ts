import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

export class CreateUploadSessionDto {
  @ApiPropertyOptional({ minimum: 1, description: 'Needed when the image was registered without sizeBytes' })
  @IsOptional()
  @IsInt()
  @Min(1)
  sizeBytes?: number;

  @ApiPropertyOptional({
    minimum: 5 * 1024 * 1024,
    description: 'Preferred part size; grown so the file fits in 10,000 parts. Default 16 MiB',
  })
  @IsOptional()
  @IsInt()
  @Min(5 * 1024 * 1024)
  @Max(5 * 1024 * 1024 * 1024)
  partSizeBytes?: number;
}

export class UploadSessionPartDto {
  @ApiProperty({ example: 1 })
  partNumber!: number;
  @ApiProperty({
    description: 'Presigned URL: PUT the part here (no Authorization header) and keep the ETag it answers',
  })
  url!: string;
  @ApiProperty({ description: 'Exact bytes of this part' })
  sizeBytes!: number;
}

export class UploadSessionDto {
  @ApiProperty({ format: 'uuid' })
  uploadId!: string;
  @ApiProperty({ format: 'uuid' })
  imageId!: string;
  @ApiProperty()
  sizeBytes!: number;
  @ApiProperty()
  partSizeBytes!: number;
  @ApiProperty({ format: 'date-time', description: 'When the part URLs stop working' })
  expiresAt!: string;
  @ApiProperty({ type: [UploadSessionPartDto] })
  parts!: UploadSessionPartDto[];
}

export class CompletedPartDto {
  @ApiProperty({ minimum: 1, maximum: 10000 })
  @IsInt()
  @Min(1)
  @Max(10000)
  partNumber!: number;

  @ApiProperty({ description: 'The ETag the part URL answered', example: '"9b2cf535f27731c974343645a3985328"' })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  etag!: string;
}

export class CompleteUploadSessionDto {
  @ApiProperty({ type: [CompletedPartDto] })
  @ArrayMinSize(1)
  @ArrayMaxSize(10000)
  @ValidateNested({ each: true })
  @Type(() => CompletedPartDto)
  parts!: CompletedPartDto[];

  @ApiPropertyOptional({
    pattern: '^[0-9a-f]{64}$',
    maxLength: 64,
    example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    description:
      'The sha256 the client computed while reading its file: the assembled object is checked against it (422 ' +
      'naming sha256 and nothing kept when they differ), as well as against the registered one',
  })
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'sha256 must be 64 lower-case hex digits' })
  sha256?: string;
}

export const UPLOAD_STATES = ['receiving', 'staged', 'pushing', 'completed', 'failed', 'cancelled'] as const;

export class StagedPartDto {
  @ApiProperty({ example: 1 })
  partNumber!: number;
  @ApiProperty({ description: 'The ETag the staging store holds for the part: send it back on completion' })
  etag!: string;
  @ApiProperty({ type: Number, format: 'int64', description: 'Bytes the store holds: the expected size of this part' })
  sizeBytes!: number;
}

export class UploadSessionStatusDto {
  @ApiProperty({ format: 'uuid' })
  uploadId!: string;
  @ApiProperty({ format: 'uuid' })
  imageId!: string;
  @ApiProperty({
    enum: UPLOAD_STATES,
    enumName: 'UploadState',
    description: "The upload's state: always `receiving` here (a session that is not answers 409)",
  })
  state!: (typeof UPLOAD_STATES)[number];
  @ApiProperty({ type: Number, format: 'int64' })
  sizeBytes!: number;
  @ApiProperty()
  partSizeBytes!: number;
  @ApiProperty({ format: 'date-time', description: 'When the part URLs of `parts` stop working' })
  expiresAt!: string;
  @ApiProperty({
    type: [StagedPartDto],
    description:
      'Parts the staging store already holds at their expected size, by partNumber: not to be sent again. A part ' +
      'of another size is left out and signed again in `parts`',
  })
  stagedParts!: StagedPartDto[];
  @ApiProperty({
    type: [UploadSessionPartDto],
    description: 'Only the parts still missing, their URLs signed afresh',
  })
  parts!: UploadSessionPartDto[];
}

export class UploadSessionSummaryDto {
  @ApiProperty({ format: 'uuid' })
  uploadId!: string;
  @ApiProperty({ type: Number, format: 'int64' })
  sizeBytes!: number;
  @ApiProperty()
  partSizeBytes!: number;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiPropertyOptional({
    description: 'Parts the staging store holds at their expected size; absent when it could not be listed',
  })
  stagedPartCount?: number;
}

export class UploadSessionListDto {
  @ApiProperty({ type: [UploadSessionSummaryDto], description: 'Open sessions (still receiving), newest first' })
  items!: UploadSessionSummaryDto[];
}
