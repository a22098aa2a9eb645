import { Global, Module } from '@nestjs/common';
import { EventLog } from '../events/event-log';
import { PrismaService } from './prisma.service';

/** PostgreSQL, and the event feed every owner of a change appends to in its own transaction. */
@Global()
@Module({ providers: [PrismaService, EventLog], exports: [PrismaService, EventLog] })
export class PersistenceModule {}
