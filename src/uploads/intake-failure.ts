/**
 * How an intake that fails mid-body ends its upload job: upload_refused when
 * the bytes failed a check, upload_interrupted when the client went away or
 * went silent. Stored on the upload (`failure_code`) for a job already pushing.
 */
export type IntakeFailureCode = 'upload_refused' | 'upload_interrupted';

/** How the job error reads for each way an intake fails. */
export function intakeFailureSummary(code: IntakeFailureCode): string {
  return code === 'upload_interrupted'
    ? 'The upload was interrupted while it was received'
    : 'The upload was refused while it was received';
}
