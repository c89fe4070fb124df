/**
 * A target application as the domain sees it: connector, route, account template, entitlements
 * and reconciliation correlation rules. The domain owns these types; config/schema.ts validates
 * tenure.yaml into exactly them (a type check there fails if the two drift apart).
 */

/** One correlation rule: `attribute` (+ optional `identity`) or `account_id`; tried in order. */
export type CorrelationRule = {
  /** Account attribute as read; `employee_id` falls back to the connector's hint (e.g. employeeNumber). */
  attribute?: string;
  /** Identity attribute it must equal; default: the same name. */
  identity?: string;
  /** true: the account id equals the application's `account_id` template; a string: this template. */
  account_id?: true | string;
  /** Compare case-insensitively (directories and mail systems mostly are). */
  ignore_case: boolean;
};

/** Something grantable inside an application: group, role, license, permission. */
export type ApplicationEntitlement = {
  id: string;
  name?: string;
  owner?: string;
  privileged: boolean;
};

export type Application = {
  id: string;
  name?: string;
  /** A connector kind known to the registry: `ldap`, `scim`, `csv-export`, `manual`. */
  connector: string;
  owner?: string;
  risk: 'low' | 'medium' | 'high';
  /** `direct` or `agent:<site>`. */
  route: string;
  /** Template for the account name given at creation. */
  account_id: string;
  /** What a leaver's account becomes. */
  deprovision: 'disable' | 'delete';
  /** The connector's own settings, validated by the connector's settings schema. */
  settings: Record<string, unknown>;
  entitlements: ApplicationEntitlement[];
  /** Reconciliation: how accounts read from the target are matched to identities. */
  correlation?: CorrelationRule[];
  /** Orphaned accounts: only report them, or also disable enabled ones in the next plan. */
  orphans?: 'report' | 'disable';
};
