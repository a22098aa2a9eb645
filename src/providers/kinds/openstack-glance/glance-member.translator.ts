import { type ImageMember, MEMBER_STATUSES, type MemberStatus } from '../../port/provider-writes';
import { isPlainObject, lowerCaseText, parseDate } from '../shared/payload-values';

/** One image member as Glance v2 answers it (NHN and standard alike). */
export interface GlanceMemberPayload {
  member_id: string;
  status: string;
  image_id?: string;
  created_at?: string | null;
  updated_at?: string | null;
  schema?: string;
  [key: string]: unknown;
}

/** `GET /v2/images/{id}/members` */
export interface GlanceMemberListPayload {
  members: GlanceMemberPayload[];
  schema?: string;
}

export function isGlanceMemberPayload(value: unknown): value is GlanceMemberPayload {
  return (
    isPlainObject(value) &&
    typeof value.member_id === 'string' &&
    value.member_id !== '' &&
    toMemberStatus(value.status) !== null
  );
}

export function isGlanceMemberList(value: unknown): value is GlanceMemberListPayload {
  return isPlainObject(value) && Array.isArray(value.members) && value.members.every(isGlanceMemberPayload);
}

export function toImageMember(member: GlanceMemberPayload): ImageMember {
  return {
    memberId: member.member_id,
    // isGlanceMemberPayload admitted only known statuses.
    status: toMemberStatus(member.status) as MemberStatus,
    createdAt: parseDate(member.created_at),
    updatedAt: parseDate(member.updated_at),
  };
}

function toMemberStatus(value: unknown): MemberStatus | null {
  const status = lowerCaseText(value);
  return status !== null && (MEMBER_STATUSES as readonly string[]).includes(status) ? (status as MemberStatus) : null;
}
