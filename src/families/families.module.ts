import { Module } from '@nestjs/common';
import { ChannelsController } from './channels/channels.controller';
import { ChannelsService } from './channels/channels.service';
import { JobsCoreModule } from '../jobs/jobs-core.module';
import { FamiliesCoreModule } from './families-core.module';
import { VersionLifecycleController } from './lifecycle/version-lifecycle.controller';
import { VersionLifecycleService } from './lifecycle/version-lifecycle.service';
import { ResolveAnswerCache } from './resolve/resolve-answer-cache';
import { ResolveCacheInterceptor } from './resolve/resolve-cache.interceptor';
import { ResolveController } from './resolve/resolve.controller';
import { VersionResolver } from './resolve/version-resolver';

/** The families API: families, versions and placements, channels, resolve. */
@Module({
  imports: [FamiliesCoreModule, JobsCoreModule],
  controllers: [ChannelsController, ResolveController, VersionLifecycleController],
  providers: [ChannelsService, VersionResolver, ResolveAnswerCache, ResolveCacheInterceptor, VersionLifecycleService],
})
export class FamiliesModule {}
