import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import type { ApiScope } from '../config/api-keys.parser';
import { PrismaService } from '../persistence/prisma.service';

export interface Principal {
  keyId: string;
  scopes: readonly ApiScope[];
}

/** How long a verified key is trusted without asking PostgreSQL again (per process). */
const CACHE_TTL_MS = 10_000;

/**
 * API keys: only the SHA-256 of each secret is stored. Secrets are long random
 * strings, so a fast hash is enough and keeps verification off the hot path.
 */
@Injectable()
export class ApiKeyService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ApiKeyService.name);
  private readonly cache = new Map<string, { principal: Principal | null; expires: number }>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  /** Writes the API_KEYS bootstrap keys, hashed; a key removed from API_KEYS stops working. */
  async onApplicationBootstrap(): Promise<void> {
    const seeds = this.config.apiKeys;
    await this.prisma.$transaction([
      this.prisma.apiKey.deleteMany({ where: { source: 'file', id: { notIn: seeds.map((k) => k.id) } } }),
      ...seeds.map((k) =>
        this.prisma.apiKey.upsert({
          where: { id: k.id },
          create: { id: k.id, secretHash: hashSecret(k.secret), scopes: k.scopes, source: 'file' },
          update: { secretHash: hashSecret(k.secret), scopes: k.scopes, source: 'file' },
        }),
      ),
    ]);
    if (seeds.length === 0) this.logger.warn('API_KEYS is empty: every /v1 route will answer 401');
  }

  async verify(secret: string): Promise<Principal | null> {
    const hash = hashSecret(secret);
    const cached = this.cache.get(hash);
    const now = Date.now();
    if (cached && cached.expires > now) return cached.principal;
    const row = await this.prisma.apiKey.findUnique({ where: { secretHash: hash } });
    const principal = row ? { keyId: row.id, scopes: row.scopes as ApiScope[] } : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { principal, expires: now + CACHE_TTL_MS });
    return principal;
  }
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function hasScope(principal: Principal, scope: ApiScope): boolean {
  return principal.scopes.includes('admin') || principal.scopes.includes(scope);
}
