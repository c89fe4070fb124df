/** Maps tenure.yaml sections onto the pure domain's settings objects. */
import type { LoadedConfig } from '../config/load-config.js';
import type { PlanningContext } from '../domain/desired.js';
import type { LifecycleSettings } from '../domain/lifecycle.js';

export const lifecycleSettings = (config: LoadedConfig): LifecycleSettings => ({
  timeZone: config.organisation.time_zone,
  prehireDays: config.lifecycle.prehire_days,
  leave: config.lifecycle.leave,
  missingFromSource: config.lifecycle.missing_from_source,
});

export const planningContext = (config: LoadedConfig, now: Date): PlanningContext => ({
  applications: config.applications,
  policies: config.policies,
  leave: config.lifecycle.leave,
  prehireDays: config.lifecycle.prehire_days,
  timeZone: config.organisation.time_zone,
  now,
});
