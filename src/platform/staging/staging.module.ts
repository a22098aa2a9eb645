import { Global, Module, type OnModuleDestroy, type OnModuleInit, Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { S3StagingStorage } from './s3-staging.storage';
import { STAGING_STORAGE, type StagingStorage } from './staging-storage';
import { UnconfiguredStagingStorage } from './unconfigured-staging.storage';

@Injectable()
class StagingLifecycle implements OnModuleInit, OnModuleDestroy {
  constructor(@Inject(STAGING_STORAGE) private readonly storage: StagingStorage) {}

  async onModuleInit(): Promise<void> {
    if (this.storage instanceof S3StagingStorage) await this.storage.ensureBucket();
  }

  onModuleDestroy(): void {
    if (this.storage instanceof S3StagingStorage) this.storage.destroy();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: STAGING_STORAGE,
      useFactory: (config: AppConfig): StagingStorage =>
        config.staging ? new S3StagingStorage(config.staging) : new UnconfiguredStagingStorage(),
      inject: [AppConfig],
    },
    StagingLifecycle,
  ],
  exports: [STAGING_STORAGE],
})
export class StagingModule {}
