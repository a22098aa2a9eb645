import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { ProviderConnectionConfig } from '../config/provider-connection.types';
import { NotFoundError } from '../errors/app.errors';
import type { Prisma } from '../persistence/generated/client';
import { PrismaService } from '../persistence/prisma.service';
import { ADAPTER_FACTORIES, type AdapterFactory } from './adapter-factory';
import type { ProviderAdapter } from './provider.port';

/**
 * Every configured connection's adapter, looked up by connection name. File
 * connections are mirrored into PostgreSQL (without their secrets) so the
 * catalogue can reference them and GET /v1/providers can report their state.
 */
@Injectable()
export class ProviderRegistry implements OnModuleInit {
  private readonly logger = new Logger(ProviderRegistry.name);
  private readonly adapters = new Map<string, ProviderAdapter>();
  private readonly factories: Map<string, AdapterFactory>;

  constructor(
    private readonly config: AppConfig,
    private readonly prisma: PrismaService,
    @Inject(ADAPTER_FACTORIES) factories: AdapterFactory[],
  ) {
    this.factories = new Map();
    for (const factory of factories) {
      if (this.factories.has(factory.kind)) throw new Error(`two adapter factories for kind ${factory.kind}`);
      this.factories.set(factory.kind, factory);
    }
  }

  async onModuleInit(): Promise<void> {
    for (const connection of this.config.providers) this.register(connection);
    await this.mirrorFileConnections();
  }

  get(name: string): ProviderAdapter {
    const adapter = this.adapters.get(name);
    if (!adapter) throw new NotFoundError(`No provider connection is named '${name}'`);
    return adapter;
  }

  has(name: string): boolean {
    return this.adapters.has(name);
  }

  all(): ProviderAdapter[] {
    return [...this.adapters.values()];
  }

  private register(connection: ProviderConnectionConfig): void {
    const factory = this.factories.get(connection.kind);
    if (!factory) {
      this.logger.warn(
        `provider '${connection.name}': kind ${connection.kind} has no adapter in this version; skipped`,
      );
      return;
    }
    this.adapters.set(connection.name, factory.create(connection));
  }

  private async mirrorFileConnections(): Promise<void> {
    const fileConnections = this.config.providers.filter((c) => this.adapters.has(c.name));
    await this.prisma.$transaction([
      this.prisma.providerConnection.deleteMany({
        where: { source: 'file', name: { notIn: fileConnections.map((c) => c.name) } },
      }),
      ...fileConnections.map((c) => {
        const adapter = this.get(c.name);
        const data = { kind: c.kind, settings: publicSettings(c), regions: [...adapter.regions] };
        return this.prisma.providerConnection.upsert({
          where: { name: c.name },
          create: { name: c.name, source: 'file', ...data },
          update: { source: 'file', ...data },
        });
      }),
    ]);
  }
}

/** The connection without its credentials: what may be stored in clear and shown. */
export function publicSettings(connection: ProviderConnectionConfig): Prisma.InputJsonValue {
  const { auth, ...rest } = connection;
  return { ...rest, auth: { type: auth.type } } as Prisma.InputJsonValue;
}
