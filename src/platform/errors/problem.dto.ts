import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldProblemDto {
  @ApiProperty({ example: 'limit', description: 'Dotted path of the field' })
  field!: string;
  @ApiProperty({ example: 'limit must not be greater than 500' })
  message!: string;
}

/** RFC 9457 problem details. */
export class ProblemDto {
  @ApiProperty({ example: 'https://image-broker.dev/problems/validation-error' })
  type!: string;
  @ApiProperty({ example: 'Request is not valid' })
  title!: string;
  @ApiProperty({ example: 400 })
  status!: number;
  @ApiProperty()
  detail!: string;
  @ApiPropertyOptional({ example: '/v1/images?limit=0' })
  instance?: string;
  @ApiPropertyOptional({ type: [FieldProblemDto] })
  errors?: FieldProblemDto[];
}
