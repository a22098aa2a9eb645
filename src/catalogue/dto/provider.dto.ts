import { ApiProperty } from '@nestjs/swagger';

export class CapabilitiesDto {
  @ApiProperty() list!: boolean;
  @ApiProperty() get!: boolean;
  @ApiProperty() create!: boolean;
  @ApiProperty() upload!: boolean;
  @ApiProperty() download!: boolean;
  @ApiProperty() update!: boolean;
  @ApiProperty() delete!: boolean;
  @ApiProperty() tags!: boolean;
  @ApiProperty() members!: boolean;
}

export const PROVIDER_HEALTH = ['ok', 'failing', 'unknown'] as const;

export class ProviderDto {
  @ApiProperty({ example: 'nhn-kr1' })
  name!: string;
  @ApiProperty({ example: 'openstack-glance' })
  kind!: string;
  @ApiProperty({ type: [String], example: ['kr1'] })
  regions!: string[];
  @ApiProperty({ type: CapabilitiesDto })
  capabilities!: CapabilitiesDto;
  @ApiProperty({
    enum: PROVIDER_HEALTH,
    enumName: 'ProviderHealth',
    description: 'ok: the last sync succeeded; failing: the last sync attempt failed; unknown: never synced',
  })
  health!: (typeof PROVIDER_HEALTH)[number];
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastSyncAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why the last sync attempt failed' })
  lastError!: string | null;
  @ApiProperty({
    enum: ['file', 'api'],
    description: 'file: from PROVIDERS_FILE (read-only); api: managed at run time',
  })
  source!: 'file' | 'api';
  @ApiProperty({ description: 'Images in the catalogue, deleted ones excluded' })
  imageCount!: number;
}

export class ProviderListDto {
  @ApiProperty({ type: [ProviderDto] })
  items!: ProviderDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Always null: every provider fits one page' })
  nextCursor!: string | null;
}
