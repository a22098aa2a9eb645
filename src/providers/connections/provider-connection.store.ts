import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../platform/config/app-config';
import type { ProviderAuth, ProviderConnectionConfig } from './provider-connection.types';
import { ServiceUnavailableError } from '../../platform/errors/app.errors';
import type { Prisma } from '../../platform/persistence/generated/client';
import { PrismaService } from '../../platform/persistence/prisma.service';
import { publicSettings } from './public-settings';
import { SecretsKeyring } from './secrets-keyring';

/** A stored connection whose credentials this process cannot open: shown as failing, never loaded. */
export interface UnreadableConnection {
  name: string;
  kind: string;
  regions: readonly string[];
  /** The settings stored in clear (no credentials): what a PATCH bringing new credentials merges into. */
  settings: Record<string, unknown>;
  /** Why, naming the variable to fix; holds nothing secret. */
  reason: string;
}

export type StoredConnection =
  | { config: ProviderConnectionConfig; unreadable?: undefined; updatedAt: Date }
  | { config?: undefined; unreadable: UnreadableConnection; updatedAt: Date };

interface ConnectionRow {
  name: string;
  kind: string;
  settings: unknown;
  regions: string[];
  credentials: Uint8Array | null;
  updatedAt: Date;
}

/**
 * Connections created through the API, in PostgreSQL: settings in clear,
 * the `auth` block (the only place secrets live) sealed with SECRETS_KEY.
 * A row sealed under another key never stops the service: it is reported as
 * unreadable. A row sealed under SECRETS_KEY_PREVIOUS is sealed again under
 * SECRETS_KEY the first time any process reads it.
 */
@Injectable()
export class ProviderConnectionStore {
  private readonly logger = new Logger(ProviderConnectionStore.name);
  private readonly keyring: SecretsKeyring | null;

  constructor(
    private readonly prisma: PrismaService,
    config: AppConfig,
  ) {
    this.keyring = config.secretsKey ? new SecretsKeyring(config.secretsKey, config.secretsKeyPrevious) : null;
  }

  get writable(): boolean {
    return this.keyring !== null;
  }

  async listApiConnections(): Promise<StoredConnection[]> {
    const rows = await this.prisma.providerConnection.findMany({ where: { source: 'api' } });
    const stored: StoredConnection[] = [];
    for (const row of rows) {
      if (row.credentials === null) continue;
      const opened = await this.open(row);
      stored.push(
        'reason' in opened
          ? { unreadable: opened, updatedAt: row.updatedAt }
          : { config: opened, updatedAt: row.updatedAt },
      );
    }
    return stored;
  }

  async get(name: string): Promise<{
    source: 'file' | 'api';
    config: ProviderConnectionConfig | null;
    unreadable: UnreadableConnection | null;
  } | null> {
    const row = await this.prisma.providerConnection.findUnique({ where: { name } });
    if (!row) return null;
    if (row.source === 'file' || !row.credentials) return { source: row.source, config: null, unreadable: null };
    const opened = await this.open(row);
    return 'reason' in opened
      ? { source: 'api', config: null, unreadable: opened }
      : { source: 'api', config: opened, unreadable: null };
  }

  async create(config: ProviderConnectionConfig, regions: readonly string[]): Promise<void> {
    await this.prisma.providerConnection.create({
      data: { ...this.seal(config, regions), name: config.name, source: 'api' },
    });
  }

  async update(config: ProviderConnectionConfig, regions: readonly string[]): Promise<void> {
    await this.prisma.providerConnection.update({
      where: { name: config.name, source: 'api' },
      data: this.seal(config, regions),
    });
  }

  async delete(name: string): Promise<void> {
    await this.prisma.providerConnection.delete({ where: { name, source: 'api' } });
  }

  private seal(config: ProviderConnectionConfig, regions: readonly string[]) {
    return {
      kind: config.kind,
      settings: publicSettings(config),
      credentials: new Uint8Array(this.requireKeyring().seal(JSON.stringify(config.auth), config.name)),
      regions: [...regions],
    };
  }

  private async open(row: ConnectionRow): Promise<ProviderConnectionConfig | UnreadableConnection> {
    const unreadable = (reason: string): UnreadableConnection => ({
      name: row.name,
      kind: row.kind,
      regions: row.regions,
      settings: row.settings as Record<string, unknown>,
      reason,
    });
    if (!this.keyring) {
      return unreadable(
        `The credentials of connection '${row.name}' are sealed, but SECRETS_KEY is not set: set the SECRETS_KEY they were stored with`,
      );
    }
    let opened: { plaintext: string; stale: boolean };
    try {
      opened = this.keyring.open(row.credentials!, row.name);
    } catch {
      return unreadable(
        `The credentials of connection '${row.name}' cannot be decrypted with SECRETS_KEY` +
          ' (nor SECRETS_KEY_PREVIOUS): they were stored under another key. Restore that key as SECRETS_KEY,' +
          ' or as SECRETS_KEY_PREVIOUS to rotate, or send new credentials with PATCH (auth)',
      );
    }
    if (opened.stale) await this.reseal(row, opened.plaintext);
    const auth = JSON.parse(opened.plaintext) as ProviderAuth;
    return { ...(row.settings as object), name: row.name, auth } as ProviderConnectionConfig;
  }

  /** A sync of the connection finished: when, and no error any more. */
  async recordSync(name: string, at: Date): Promise<void> {
    await this.prisma.providerConnection.update({
      where: { name },
      data: { lastSyncAt: at, lastError: null, lastErrorAt: null },
    });
  }

  /** A sync of the connection failed; `message` is shown to read-only keys, so public text only. */
  async recordSyncFailure(name: string, message: string): Promise<void> {
    await this.prisma.providerConnection.update({
      where: { name },
      data: { lastError: message, lastErrorAt: new Date() },
    });
  }

  /**
   * Makes the rows of source 'file' exactly PROVIDERS_FILE's connections, in
   * one transaction; returns the names the file takes over from connections
   * created through the API (the file wins).
   */
  async mirrorFileConnections(
    connections: Array<{
      name: string;
      kind: ProviderConnectionConfig['kind'];
      settings: Prisma.InputJsonValue;
      regions: string[];
    }>,
  ): Promise<string[]> {
    const names = connections.map((c) => c.name);
    const clash = await this.prisma.providerConnection.findMany({
      where: { source: 'api', name: { in: names } },
      select: { name: true },
    });
    await this.prisma.$transaction([
      this.prisma.providerConnection.deleteMany({ where: { source: 'file', name: { notIn: names } } }),
      ...connections.map(({ name, ...rest }) => {
        const data = { ...rest, source: 'file' as const, credentials: null };
        return this.prisma.providerConnection.upsert({ where: { name }, create: { name, ...data }, update: data });
      }),
    ]);
    return clash.map((c) => c.name);
  }

  /**
   * Key rotation: credentials opened with SECRETS_KEY_PREVIOUS are sealed
   * again with SECRETS_KEY. The write is a compare-and-swap on the old
   * ciphertext, so replicas racing to do it (or a PATCH that changed the
   * credentials meanwhile) never overwrite each other; whichever wins, the row
   * ends sealed under the current key.
   */
  private async reseal(row: ConnectionRow, plaintext: string): Promise<void> {
    const credentials = new Uint8Array(this.requireKeyring().seal(plaintext, row.name));
    try {
      const { count } = await this.prisma.providerConnection.updateMany({
        where: { name: row.name, source: 'api', credentials: { equals: new Uint8Array(row.credentials!) } },
        data: { credentials },
      });
      if (count === 1)
        this.logger.log(`credentials of connection '${row.name}' sealed again under the new SECRETS_KEY`);
    } catch (error) {
      // The old ciphertext still opens with SECRETS_KEY_PREVIOUS; the next read tries again.
      this.logger.warn(`connection '${row.name}' could not be sealed again: ${(error as Error).message}`);
    }
  }

  private requireKeyring(): SecretsKeyring {
    if (!this.keyring) {
      throw new ServiceUnavailableError('SECRETS_KEY is not set, so connections cannot be managed through the API');
    }
    return this.keyring;
  }
}
