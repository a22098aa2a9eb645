import type { FptPartRef } from './fpt-part-store';
import { badRequest } from './fpt-errors';
import type { FptRegistration } from './fpt-image.store';
import { SHA256_HEX } from './fpt.types';

/**
 * Request bodies of the seed's write paths, checked the way a Django REST
 * Framework serializer would (FPT's trailing-slash paths and Python-repr error
 * messages point at DRF): every field error is collected under `details`, with
 * DRF's wording, and the whole request is one 400 "Invalid request payload."
 * Unknown keys are ignored, as DRF does.
 */
const INVALID = 'Invalid request payload.';
const REQUIRED = 'This field is required.';
const MAX_PART_NUMBER = 10_000;

type FieldErrors = Record<string, string[]>;

/** `POST …/hpc/images/`: name, size, sha256 required; vpcId optional, nullable. */
export function parseRegistration(body: unknown, pathVpcId: string): FptRegistration {
  const input = asObject(body);
  const errors: FieldErrors = {};
  const name = requiredText(input, 'name', errors);
  const size = requiredInteger(input, 'size', errors, 1);
  const sha256 = requiredSha256(input, 'sha256', errors);
  const vpcId = input.vpcId;
  if (vpcId !== undefined && vpcId !== null) {
    if (typeof vpcId !== 'string') errors.vpcId = ['Not a valid string.'];
    else if (vpcId.toLowerCase() !== pathVpcId.toLowerCase()) errors.vpcId = ['Does not match the VPC of the path.'];
  }
  throwIfAny(errors);
  return { name: name as string, size: size as number, sha256: sha256 as string };
}

/** `POST …/hpc/images/presign-urls/`: the sha256 the image was registered with. */
export function parsePresignRequest(body: unknown): string {
  const errors: FieldErrors = {};
  const sha256 = requiredSha256(asObject(body), 'sha256', errors);
  throwIfAny(errors);
  return sha256 as string;
}

export interface FptCompleteRequest {
  parts: FptPartRef[];
  name: string | null;
}

/** `PUT …/hpc/images/{file_sha}/`: `parts: [{ETag, PartNumber}]`, S3's casing; `name` optional. */
export function parseCompleteRequest(body: unknown): FptCompleteRequest {
  const input = asObject(body);
  const errors: FieldErrors = {};
  const parts: FptPartRef[] = [];
  if (input.parts === undefined) errors.parts = [REQUIRED];
  else if (!Array.isArray(input.parts))
    errors.parts = ['Expected a list of items but got type "' + typeName(input.parts) + '".'];
  else if (input.parts.length === 0) errors.parts = ['This list may not be empty.'];
  else {
    input.parts.forEach((raw, index) => {
      const part =
        typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
      const etag = part.ETag;
      const partNumber = part.PartNumber;
      if (typeof etag !== 'string' || etag.trim() === '') errors[`parts[${index}].ETag`] = [REQUIRED];
      if (!Number.isInteger(partNumber) || (partNumber as number) < 1 || (partNumber as number) > MAX_PART_NUMBER) {
        errors[`parts[${index}].PartNumber`] = [`Ensure this value is an integer between 1 and ${MAX_PART_NUMBER}.`];
      }
      if (typeof etag === 'string' && Number.isInteger(partNumber))
        parts.push({ etag, partNumber: partNumber as number });
    });
  }
  let name: string | null = null;
  if (input.name !== undefined && input.name !== null) {
    if (typeof input.name !== 'string' || input.name.trim() === '') errors.name = ['This field may not be blank.'];
    else name = input.name.trim();
  }
  throwIfAny(errors);
  return { parts, name };
}

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const message = `Invalid data. Expected a dictionary, but got ${typeName(body)}.`;
    throw badRequest(`${INVALID} ${message}`, { non_field_errors: [message] });
  }
  return body as Record<string, unknown>;
}

function requiredText(input: Record<string, unknown>, field: string, errors: FieldErrors): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) errors[field] = [REQUIRED];
  else if (typeof value !== 'string') errors[field] = ['Not a valid string.'];
  else if (value.trim() === '') errors[field] = ['This field may not be blank.'];
  else if (value.length > 255) errors[field] = ['Ensure this field has no more than 255 characters.'];
  else return value.trim();
  return undefined;
}

function requiredInteger(
  input: Record<string, unknown>,
  field: string,
  errors: FieldErrors,
  min: number,
): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) errors[field] = [REQUIRED];
  else if (typeof value !== 'number' || !Number.isSafeInteger(value)) errors[field] = ['A valid integer is required.'];
  else if (value < min) errors[field] = [`Ensure this value is greater than or equal to ${min}.`];
  else return value;
  return undefined;
}

function requiredSha256(input: Record<string, unknown>, field: string, errors: FieldErrors): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) errors[field] = [REQUIRED];
  else if (typeof value !== 'string' || !SHA256_HEX.test(value.toLowerCase())) {
    errors[field] = ['Enter a valid SHA-256 digest: 64 hexadecimal characters.'];
  } else return value.toLowerCase();
  return undefined;
}

/** The message names each field too: clients that read only `message` still learn what was wrong. */
function throwIfAny(errors: FieldErrors): void {
  const fields = Object.entries(errors);
  if (fields.length === 0) return;
  const summary = fields.map(([field, messages]) => `${field}: ${messages.join(' ')}`).join('; ');
  throw badRequest(`${INVALID} ${summary}`, errors);
}

function typeName(value: unknown): string {
  if (value === null) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}
