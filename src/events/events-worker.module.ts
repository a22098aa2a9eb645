import { Module } from '@nestjs/common';

/** ROLE=worker's part of the event feed: webhook deliveries. */
@Module({})
export class EventsWorkerModule {}
