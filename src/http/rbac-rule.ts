/** The RBAC rule a route declares in `config: { rbac }`: the roles allowed, `'self'`, or `'public'` (enforced by rbac.ts). */
import type { Role } from '../domain/roles.js';

export type RbacGrant = Role | 'self';
export type RbacRule = 'public' | readonly RbacGrant[];
