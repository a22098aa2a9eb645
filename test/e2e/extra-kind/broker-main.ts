import 'reflect-metadata';
import { startBroker } from '../../../src/app/start-broker';
import { PROVIDER_KINDS } from '../../../src/providers/kinds/provider-kinds';
import { toyKind } from './toy.kind';

/**
 * The broker as src/main.ts starts it, with one more kind registered: the
 * registry plus the toy kind. The extra-kind test runs it from the tools
 * build (compiled next to dist-tools/src by test/support/compile-test-entry.ts).
 */
startBroker(process.env, [...PROVIDER_KINDS, toyKind]);
