import { Module } from '@nestjs/common';

/** The event feed (`GET /v1/events`) and webhook registrations. */
@Module({})
export class EventsModule {}
