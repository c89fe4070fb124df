/** Builders for domain tests: HR records, identities, applications and policies with sane defaults. */
import type { Application } from './application.js';
import type { LifecycleSettings } from './lifecycle.js';
import type { Policy } from './policy.js';
import type { HrRecord, Identity, IdentityStatus } from './types.js';

export const settings: LifecycleSettings = {
  timeZone: 'Europe/Paris',
  prehireDays: 3,
  leave: 'keep',
  missingFromSource: 'hold',
};

export function hr(over: Partial<HrRecord> = {}): HrRecord {
  return {
    employee_id: 'E1',
    first_name: 'Jane',
    last_name: 'Doe',
    preferred_name: null,
    email: 'jane.doe@example.com',
    department: 'Engineering',
    title: 'Engineer',
    manager_id: null,
    location: 'Paris',
    employment_type: 'employee',
    status: 'active',
    start_date: '2020-01-06',
    end_date: null,
    ...over,
  };
}

export function identity(
  over: Partial<HrRecord> = {},
  status: IdentityStatus = 'active',
  extra: Partial<Identity> = {},
): Identity {
  const attributes = hr(over);
  return {
    id: attributes.employee_id,
    source_id: 'hr',
    attributes,
    status,
    missing_from_source: false,
    updated_at: '2024-01-01T00:00:00.000Z',
    ...extra,
  };
}

export function app(id: string, over: Partial<Application> = {}): Application {
  return {
    id,
    connector: 'scim',
    risk: 'medium',
    route: 'direct',
    account_id: '{employee_id}',
    deprovision: 'disable',
    settings: {},
    entitlements: [],
    ...over,
  };
}

export function policy(
  id: string,
  when: Policy['when'],
  accounts: {
    application: string;
    entitlements?: string[];
    attributes?: Record<string, string>;
    container?: string;
  }[],
): Policy {
  return {
    id,
    when,
    accounts: accounts.map((a) => ({
      application: a.application,
      attributes: a.attributes ?? {},
      entitlements: a.entitlements ?? [],
      ...(a.container === undefined ? {} : { container: a.container }),
    })),
  };
}

export const appMap = (apps: Application[]): Map<string, Application> =>
  new Map(apps.map((a) => [a.id, a]));
