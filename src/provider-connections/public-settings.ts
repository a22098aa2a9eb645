import type { ProviderConnectionConfig } from '../config/provider-connection.types';
import type { Prisma } from '../persistence/generated/client';

/** A connection without its credentials: what may be stored in clear and shown. */
export function publicSettings(connection: ProviderConnectionConfig): Prisma.InputJsonValue {
  const { auth, ...rest } = connection;
  return { ...rest, auth: { type: auth.type } } as Prisma.InputJsonValue;
}
