/** How urgent a rejected row is: one whose status says `terminated` is a leaver kept on hold. */
import type { RejectionSeverity } from './types.js';

/** `status` as written in the rejected row (before validation), if it could be read. */
export const rejectionSeverity = (status: string | undefined): RejectionSeverity =>
  status?.trim().toLowerCase() === 'terminated' ? 'critical' : 'error';
