import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { ApiScope } from '../config/api-keys.parser';

export const PUBLIC_ROUTE = 'auth:public';
export const REQUIRED_SCOPES = 'auth:scopes';

/** The spec extension a public route carries; the OpenAPI document turns it into `security: []`. */
export const PUBLIC_ROUTE_EXTENSION = 'x-public-route';

/** Routes anyone may call: health, the spec, the docs. */
export const Public = () => applyDecorators(SetMetadata(PUBLIC_ROUTE, true), ApiExtension(PUBLIC_ROUTE_EXTENSION, true));

/** The scope a key must hold; `admin` holds every scope. */
export const RequireScope = (scope: ApiScope) => SetMetadata(REQUIRED_SCOPES, scope);
