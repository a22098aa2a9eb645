import { Inject, Injectable } from '@nestjs/common';
import type { ProviderConnectionConfig } from './provider-connection.types';
import { fieldsNoKindKnows, validateProviderConnection } from './provider-connection.validator';
import { CatalogueVersion, ProviderConnectionsVersion } from '../../platform/coordination/coordination.module';
import { BadRequestError, ConflictError, NotFoundError } from '../../platform/errors/app.errors';
import { ProviderRegistry } from '../port/provider-registry.service';
import { ProviderConnectionStore } from './provider-connection.store';
import { isProviderName } from './provider-name';
import { PROVIDER_KIND_DEFINITIONS, type ProviderKindDefinition } from '../port/provider-kind';

/**
 * Connections managed at run time by an admin. Validated exactly like the
 * providers file, by the connection class of its kind among the kinds this
 * broker holds (so a kind added to the registry is taken with its own fields);
 * credentials sealed at rest; file connections read-only. Every change bumps
 * a shared version so all replicas reload.
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

  /** POST /v1/providers: the body as sent (no request class has checked it); answers the connection's name. */
  async create(body: unknown): Promise<string> {
    const config = this.validate(this.knownFieldsOnly(body, { name: true }));
    if (await this.store.get(config.name)) {
      throw new ConflictError(`A provider connection named '${config.name}' already exists`, [
        { field: 'name', message: `name '${config.name}' is taken` },
      ]);
    }
    await this.store.create(config, this.registry.build(config).regions);
    await this.changed();
    return config.name;
  }

  /** PATCH /v1/providers/{name}: a JSON merge patch, as sent. */
  async update(name: string, patch: unknown): Promise<void> {
    const changes = this.knownFieldsOnly(patch, { name: false });
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

  /**
   * A body is first refused for what no kind has (not an object, or a field
   * unknown to every kind), before the connection is looked up: the same
   * answer whatever the connection, as when one request class held every
   * kind's fields. No body at all is an empty one.
   */
  private knownFieldsOnly(body: unknown, options: { name: boolean }): Record<string, unknown> {
    const fields = body ?? {};
    if (typeof fields !== 'object' || Array.isArray(fields)) {
      // Worded as the global ValidationPipe words it for every other body.
      const message = 'Validation failed (object is expected)';
      throw new BadRequestError(message, [{ field: 'body', message }]);
    }
    const unknown = fieldsNoKindKnows(fields as Record<string, unknown>, this.kinds, options);
    if (unknown.length > 0) throw new BadRequestError(unknown.map((p) => p.message).join('; '), unknown);
    return definedOnly(fields);
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

/** A field sent as undefined (never in JSON, but possible from a caller in code) counts as absent. */
function definedOnly(body: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}
