import type { ProviderConnectionConfig } from './provider-connection.types';
import type { Prisma } from '../../platform/persistence/generated/client';

/** A connection without its credentials: what may be stored in clear and shown. */
export function publicSettings(connection: ProviderConnectionConfig): Prisma.InputJsonValue {
  const { auth, ...rest } = connection;
  return { ...rest, auth: { type: auth.type } } as Prisma.InputJsonValue;
}
