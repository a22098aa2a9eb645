import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../../platform/config/app-config';
import { PROVIDER_KIND_DEFINITIONS, type ProviderKindDefinition } from '../port/provider-kind';
import type { ProviderConnectionConfig } from './provider-connection.types';
import { loadProvidersFile } from './providers-file.loader';

/**
 * The connections of PROVIDERS_FILE, read and validated once when the broker
 * starts, against the kinds it knows. It lives here, not in AppConfig, because
 * only the providers capability knows what a connection is; a bad file still
 * stops the start with a ConfigurationError, which main.ts reports as before.
 */
@Injectable()
export class ProvidersFileConnections {
  readonly connections: readonly ProviderConnectionConfig[];

  constructor(config: AppConfig, @Inject(PROVIDER_KIND_DEFINITIONS) kinds: readonly ProviderKindDefinition[]) {
    this.connections = config.providersFile ? loadProvidersFile(config.providersFile, config.environment, kinds) : [];
  }
}
