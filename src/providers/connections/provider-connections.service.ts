import { Inject, Injectable } from '@nestjs/common';
import type { ProviderConnectionConfig } from './provider-connection.types';
import { validateProviderConnection } from './provider-connection.validator';
import { CatalogueVersion, ProviderConnectionsVersion } from '../../platform/coordination/coordination.module';
import { BadRequestError, ConflictError, NotFoundError } from '../../platform/errors/app.errors';
import { ProviderRegistry } from '../port/provider-registry.service';
import { ProviderConnectionStore } from './provider-connection.store';
import { isProviderName } from './provider-name';
import { PROVIDER_KIND_DEFINITIONS, type ProviderKindDefinition } from '../port/provider-kind';
import type { CreateProviderRequestDto, UpdateProviderRequestDto } from './provider-connection-request.dto';

/**
 * Connections managed at run time by an admin. Validated exactly like the
 * providers file; credentials sealed at rest; file connections read-only.
 * Every change bumps a shared version so all replicas reload.
 */
@Injectable()
export class ProviderConnectionsService {
  constructor(
    private readonly store: ProviderConnectionStore,
    private readonly registry: ProviderRegistry,
    private readonly version: ProviderConnectionsVersion,
    private readonly catalogueVersion: CatalogueVersion,
    @Inject(PROVIDER_KIND_DEFINITIONS) private readonly kinds: readonly ProviderKindDefinition[],
  ) {}

  async create(body: CreateProviderRequestDto): Promise<void> {
    const config = this.validate(definedOnly(body));
    if (await this.store.get(config.name)) {
      throw new ConflictError(`A provider connection named '${config.name}' already exists`, [
        { field: 'name', message: `name '${config.name}' is taken` },
      ]);
    }
    await this.store.create(config, this.registry.build(config).regions);
    await this.changed();
  }

  async update(name: string, patch: UpdateProviderRequestDto): Promise<void> {
    const changes = definedOnly(patch);
    // Credentials sealed under a lost key are replaced whole by a PATCH that brings new ones.
    const current = await this.editable(name, 'auth' in changes);
    if ('kind' in changes && changes.kind !== current.kind) {
      throw new BadRequestError('The kind of a connection cannot change; create another connection', [
        { field: 'kind', message: 'kind cannot change' },
      ]);
    }
    const merged = { ...current, ...changes, name, auth: changes.auth ?? current.auth };
    // Merge patch: a null removes an optional setting.
    for (const [key, value] of Object.entries(merged))
      if (value === null) delete (merged as Record<string, unknown>)[key];
    const config = this.validate(merged);
    await this.store.update(config, this.registry.build(config).regions);
    await this.changed();
  }

  async delete(name: string): Promise<void> {
    await this.editable(name, true);
    await this.store.delete(name);
    await this.changed();
  }

  private async editable(name: string, replacesCredentials: boolean): Promise<ProviderConnectionConfig> {
    const found = isProviderName(name) ? await this.store.get(name) : null;
    if (!found) throw new NotFoundError(`No provider connection is named '${name}'`);
    if (found.unreadable) {
      if (!replacesCredentials) throw new ConflictError(found.unreadable.reason);
      return { ...found.unreadable.settings, name } as unknown as ProviderConnectionConfig;
    }
    if (found.source === 'file' || !found.config) {
      throw new ConflictError(
        `Provider connection '${name}' comes from PROVIDERS_FILE and is read-only; change the file instead`,
      );
    }
    return found.config;
  }

  private validate(body: unknown): ProviderConnectionConfig {
    const result = validateProviderConnection(body, this.kinds);
    if (!result.ok) {
      throw new BadRequestError(result.problems.map((p) => p.message).join('; '), result.problems);
    }
    return result.value;
  }

  private async changed(): Promise<void> {
    await this.version.bump();
    // Removing a connection removes its images (the foreign key cascades): no cached catalogue page may outlive that.
    await this.catalogueVersion.bump();
    await this.registry.refresh('force');
  }
}

/** Request DTO instances carry every declared field, undefined when absent; only what was sent counts. */
function definedOnly(body: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}
