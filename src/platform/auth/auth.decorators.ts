import { SetMetadata } from '@nestjs/common';
import type { ApiScope } from '../config/api-keys.parser';

export const PUBLIC_ROUTE = 'auth:public';
export const REQUIRED_SCOPES = 'auth:scopes';

/** Routes anyone may call: health, the spec, the docs. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The scope a key must hold; `admin` holds every scope. */
export const RequireScope = (scope: ApiScope) => SetMetadata(REQUIRED_SCOPES, scope);
