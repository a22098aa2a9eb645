export type { paths, components } from './generated/openapi';
