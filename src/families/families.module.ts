import { Module } from '@nestjs/common';
import { ChannelsController } from './channels/channels.controller';
import { ChannelsService } from './channels/channels.service';
import { FamiliesCoreModule } from './families-core.module';
import { ResolveAnswerCache } from './resolve/resolve-answer-cache';
import { ResolveCacheInterceptor } from './resolve/resolve-cache.interceptor';
import { ResolveController } from './resolve/resolve.controller';
import { VersionResolver } from './resolve/version-resolver';

/** The families API: families, versions and placements, channels, resolve. */
@Module({
  imports: [FamiliesCoreModule],
  controllers: [ChannelsController, ResolveController],
  providers: [ChannelsService, VersionResolver, ResolveAnswerCache, ResolveCacheInterceptor],
})
export class FamiliesModule {}
