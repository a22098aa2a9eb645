import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { assertStorableBody } from './storable-fields';

/**
 * Refuses a request body holding text that PostgreSQL cannot store (NUL, lone
 * surrogates), anywhere in it: nested objects, free-form property maps and
 * keys included. Global and ahead of the ValidationPipe, so every body DTO is
 * covered without a decorator on each string, and the request is refused
 * before any provider is called: a provider that took the value would hold
 * an image the catalogue cannot record.
 */
@Injectable()
export class StorableBodyPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body') return value;
    assertStorableBody(value);
    return value;
  }
}
