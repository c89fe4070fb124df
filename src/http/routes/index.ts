/** Every route module of the control plane, registered in this order by buildApp. */
import type { RouteModule } from '../types.js';
import { accountsRoutes } from './accounts.js';
import { agentProtocolRoutes } from './agent-protocol.js';
import { agentRegistryRoutes } from './agent-registry.js';
import { applicationsRoutes } from './applications.js';
import { auditRoutes } from './audit.js';
import { authRoutes } from './auth.js';
import { grantsRoutes } from './grants.js';
import { identitiesRoutes } from './identities.js';
import { meRoutes } from './me.js';
import { opsRoutes } from './ops.js';
import { quarantineRoutes } from './quarantine.js';
import { reviewCampaignRoutes } from './reviews/campaigns.js';
import { reviewItemRoutes } from './reviews/items.js';
import { runsRoutes } from './runs.js';
import { schedulesRoutes } from './schedules.js';
import { sourceEventsRoutes } from './source-events.js';
import { tasksRoutes } from './tasks.js';
import { tokensRoutes } from './tokens.js';
import { usersRoutes } from './users.js';

export type { RouteModule } from '../types.js';

export const routeModules: RouteModule[] = [
  opsRoutes,
  authRoutes,
  meRoutes,
  identitiesRoutes,
  applicationsRoutes,
  accountsRoutes,
  grantsRoutes,
  runsRoutes,
  quarantineRoutes,
  tasksRoutes,
  auditRoutes,
  usersRoutes,
  tokensRoutes,
  schedulesRoutes,
  sourceEventsRoutes,
  agentRegistryRoutes,
  agentProtocolRoutes,
  reviewCampaignRoutes,
  reviewItemRoutes,
];
