import { Module } from '@nestjs/common';
import { JobsController } from './jobs.controller';

import { JobsCoreModule } from './jobs-core.module';

@Module({ imports: [JobsCoreModule], controllers: [JobsController] })
export class JobsApiModule {}
