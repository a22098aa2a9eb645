import { Module } from '@nestjs/common';
import { ProviderConnectionStore } from './provider-connection.store';
import { ProviderConnectionsService } from './provider-connections.service';

@Module({
  providers: [ProviderConnectionStore, ProviderConnectionsService],
  exports: [ProviderConnectionStore, ProviderConnectionsService],
})
export class ProviderConnectionsModule {}
