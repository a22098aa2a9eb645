import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsInt,
  IsOptional,
  IsString,
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
}
