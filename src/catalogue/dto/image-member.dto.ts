import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { MEMBER_STATUSES } from '../../providers/port/provider-writes';
import { FIELD_LIMITS } from './field-limits';

export class ImageMemberDto {
  @ApiProperty({ description: 'The tenant or project the image is shared with' })
  memberId!: string;
  @ApiProperty({ enum: MEMBER_STATUSES, enumName: 'MemberStatus' })
  status!: (typeof MEMBER_STATUSES)[number];
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  createdAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  updatedAt!: string | null;
}

export class ImageMemberListDto {
  @ApiProperty({ type: [ImageMemberDto] })
  items!: ImageMemberDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Always null: members fit one page' })
  nextCursor!: string | null;
}

export class AddMemberDto {
  @ApiProperty({ example: '8989447062e04a818baf9e073fd04fa7', minLength: 1, maxLength: FIELD_LIMITS.memberId })
  @IsString()
  @MinLength(1)
  @MaxLength(FIELD_LIMITS.memberId)
  memberId!: string;
}

export class UpdateMemberDto {
  @ApiProperty({ enum: MEMBER_STATUSES })
  @IsIn(MEMBER_STATUSES)
  status!: (typeof MEMBER_STATUSES)[number];
}
