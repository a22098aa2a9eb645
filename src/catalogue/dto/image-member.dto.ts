import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { MEMBER_STATUSES } from '../../provider-port/provider-writes';

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
  @ApiProperty({ example: '8989447062e04a818baf9e073fd04fa7' })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  memberId!: string;
}

export class UpdateMemberDto {
  @ApiProperty({ enum: MEMBER_STATUSES })
  @IsIn(MEMBER_STATUSES)
  status!: (typeof MEMBER_STATUSES)[number];
}
