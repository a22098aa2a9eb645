import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { ProviderAuth, ProviderConnectionConfig } from '../config/provider-connection.types';
import { ServiceUnavailableError } from '../errors/app.errors';
import { PrismaService } from '../persistence/prisma.service';
import { publicSettings } from './public-settings';
import { SecretsCipher } from './secrets-cipher';

export interface StoredConnection {
  config: ProviderConnectionConfig;
  updatedAt: Date;
}

/**
 * Connections created through the API, in PostgreSQL: settings in clear,
 * the `auth` block (the only place secrets live) sealed with SECRETS_KEY.
 */
@Injectable()
export class ProviderConnectionStore {
  private readonly cipher: SecretsCipher | null;

  constructor(
    private readonly prisma: PrismaService,
    config: AppConfig,
  ) {
    this.cipher = config.secretsKey ? new SecretsCipher(config.secretsKey) : null;
  }

  get writable(): boolean {
    return this.cipher !== null;
  }

  async listApiConnections(): Promise<StoredConnection[]> {
    if (!this.cipher) return [];
    const rows = await this.prisma.providerConnection.findMany({ where: { source: 'api' } });
    return rows
      .filter((row) => row.credentials !== null)
      .map((row) => ({ config: this.open(row.name, row.settings, row.credentials!), updatedAt: row.updatedAt }));
  }

  async get(name: string): Promise<{ source: 'file' | 'api'; config: ProviderConnectionConfig | null } | null> {
    const row = await this.prisma.providerConnection.findUnique({ where: { name } });
    if (!row) return null;
    if (row.source === 'file' || !row.credentials || !this.cipher) return { source: row.source, config: null };
    return { source: 'api', config: this.open(row.name, row.settings, row.credentials) };
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
    const cipher = this.requireCipher();
    return {
      kind: config.kind,
      settings: publicSettings(config),
      credentials: new Uint8Array(cipher.encrypt(JSON.stringify(config.auth), config.name)),
      regions: [...regions],
    };
  }

  private open(name: string, settings: unknown, credentials: Uint8Array): ProviderConnectionConfig {
    const auth = JSON.parse(this.requireCipher().decrypt(credentials, name)) as ProviderAuth;
    return { ...(settings as object), name, auth } as ProviderConnectionConfig;
  }

  private requireCipher(): SecretsCipher {
    if (!this.cipher) {
      throw new ServiceUnavailableError('SECRETS_KEY is not set, so connections cannot be managed through the API');
    }
    return this.cipher;
  }
}
