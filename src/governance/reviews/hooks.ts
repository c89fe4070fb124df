/**
 * The close hooks the API and CLI pass to closeCampaign: remediation (./remediation/) and the
 * certification report (./report/) wire their implementations here; until then, no-ops.
 */
import type { Workspace } from '../../engine/workspace.js';
import type { CloseOptions } from './close-campaign.js';

export const closeHooks = (_ws: Workspace): Pick<CloseOptions, 'remediate' | 'report'> => ({});
