import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { AppConfig } from './app-config';

/**
 * Provides the one parsed AppConfig to every module, and the other values the
 * entry point decides at boot (such as the provider kinds the broker knows),
 * which the platform passes on without knowing them.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig, bootValues: Provider[] = []): DynamicModule {
    const tokens = bootValues.map((p) => (typeof p === 'function' ? p : p.provide));
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: config }, ...bootValues],
      exports: [AppConfig, ...tokens],
    };
  }
}
