import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { ProviderConnectionConfig } from '../connections/provider-connection.types';
import { ProviderConnectionsVersion } from '../../platform/coordination/coordination.module';
import { NotFoundError } from '../../platform/errors/app.errors';
import { secretRedactor, type ConnectionAuthFields } from '../../platform/logging/secret-redactor';
import { ProviderConnectionStore } from '../connections/provider-connection.store';
import { publicSettings } from '../connections/public-settings';
import type { AdapterFactory } from './adapter-factory';
import { ProvidersFileConnections } from '../connections/providers-file-connections';
import { PROVIDER_KIND_DEFINITIONS, type ProviderKindDefinition } from './provider-kind';
import { AdapterRuntimeFactory } from './adapter-runtime.factory';
import type { ProviderAdapter } from './provider.port';
import { UnreadableConnectionAdapter } from './unreadable-connection.adapter';

/** How often a replica asks Redis whether connections changed elsewhere. */
const FRESHNESS_MS = 1_000;

interface Registered {
  adapter: ProviderAdapter;
  source: 'file' | 'api';
  /** For API connections: the row's updatedAt, so an unchanged one keeps its adapter (and token cache). */
  stamp: number;
}

/**
 * Every connection's adapter, looked up by connection name: those of
 * PROVIDERS_FILE (mirrored into PostgreSQL without their secrets, so the
 * catalogue can reference them) and those created through the API (read from
 * PostgreSQL, reloaded on any replica once the shared version moves).
 */
@Injectable()
export class ProviderRegistry implements OnModuleInit {
  private readonly logger = new Logger(ProviderRegistry.name);
  private readonly registered = new Map<string, Registered>();
  private readonly factories: Map<string, AdapterFactory>;
  private seenVersion: string | null = null;
  private checkedAt = 0;
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly store: ProviderConnectionStore,
    private readonly version: ProviderConnectionsVersion,
    private readonly runtimes: AdapterRuntimeFactory,
    private readonly fileConnections: ProvidersFileConnections,
    @Inject(PROVIDER_KIND_DEFINITIONS) factories: readonly ProviderKindDefinition[],
  ) {
    this.factories = new Map();
    for (const factory of factories) {
      if (this.factories.has(factory.kind)) throw new Error(`two adapter factories for kind ${factory.kind}`);
      this.factories.set(factory.kind, factory);
    }
  }

  async onModuleInit(): Promise<void> {
    for (const connection of this.fileConnections.connections) {
      this.registered.set(connection.name, { adapter: this.build(connection), source: 'file', stamp: 0 });
    }
    await this.mirrorFileConnections();
    await this.refresh('force');
  }

  /** The adapter of a connection, after making sure this replica knows the latest connections. */
  async resolve(name: string): Promise<ProviderAdapter> {
    // One Redis read per call: a job must never run on a connection changed a moment ago elsewhere.
    await this.refresh('version');
    return this.get(name);
  }

  async all(): Promise<ProviderAdapter[]> {
    await this.refresh('gated');
    return [...this.registered.values()].map((r) => r.adapter);
  }

  /**
   * Builds an adapter without registering it: how a new connection is checked
   * before it is stored. Its credentials become known secrets first, so no text
   * its provider sends back can carry them out.
   */
  build(connection: ProviderConnectionConfig): ProviderAdapter {
    secretRedactor.rememberConnection({ name: connection.name, auth: connection.auth as ConnectionAuthFields });
    const factory = this.factories.get(connection.kind);
    if (!factory) throw new Error(`no adapter for kind ${connection.kind}`);
    return factory.create(connection, this.runtimes.create(connection));
  }

  isFromFile(name: string): boolean {
    return this.registered.get(name)?.source === 'file';
  }

  /** Why a connection's credentials cannot be used (SECRETS_KEY changed), or null when they can. */
  unreadableReason(name: string): string | null {
    const adapter = this.registered.get(name)?.adapter;
    return adapter instanceof UnreadableConnectionAdapter ? adapter.unreadable.reason : null;
  }

  /**
   * Reloads API connections when they changed. `gated` asks Redis at most once
   * a second (listings); `version` asks now (a job about to call a provider);
   * `force` reloads even without a version change (this replica just wrote).
   */
  async refresh(mode: 'gated' | 'version' | 'force' = 'gated'): Promise<void> {
    if (mode === 'gated' && Date.now() - this.checkedAt < FRESHNESS_MS) return;
    if (this.refreshing) await this.refreshing;
    if (mode === 'gated' && Date.now() - this.checkedAt < FRESHNESS_MS) return;
    this.refreshing = this.reload(mode === 'force').finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private get(name: string): ProviderAdapter {
    const found = this.registered.get(name);
    if (!found) throw new NotFoundError(`No provider connection is named '${name}'`);
    return found.adapter;
  }

  private async reload(force: boolean): Promise<void> {
    this.checkedAt = Date.now();
    const version = await this.version.current();
    if (!force && version !== null && version === this.seenVersion) return;
    const stored = await this.store.listApiConnections();
    const live = new Set<string>();
    for (const connection of stored) {
      const name = connection.config?.name ?? connection.unreadable!.name;
      if (this.registered.get(name)?.source === 'file') continue;
      live.add(name);
      const known = this.registered.get(name);
      const stamp = connection.updatedAt.getTime();
      if (known && known.stamp === stamp) continue;
      if (connection.unreadable) {
        // Never fatal: the connection is listed as failing and its calls fail, naming SECRETS_KEY.
        this.logger.error(connection.unreadable.reason);
        this.registered.set(name, {
          adapter: new UnreadableConnectionAdapter(connection.unreadable),
          source: 'api',
          stamp,
        });
        continue;
      }
      try {
        this.registered.set(name, { adapter: this.build(connection.config), source: 'api', stamp });
      } catch (error) {
        this.logger.error(`connection '${name}' cannot be loaded: ${(error as Error).message}`);
      }
    }
    for (const [name, entry] of this.registered) {
      if (entry.source === 'api' && !live.has(name)) this.registered.delete(name);
    }
    this.seenVersion = version;
  }

  private async mirrorFileConnections(): Promise<void> {
    const fileConnections = this.fileConnections.connections;
    const clash = await this.store.mirrorFileConnections(
      fileConnections.map((c) => ({
        name: c.name,
        kind: c.kind,
        settings: publicSettings(c),
        regions: [...this.get(c.name).regions],
      })),
    );
    for (const name of clash) {
      this.logger.warn(`PROVIDERS_FILE now defines '${name}', which was created through the API; the file wins`);
    }
  }
}
