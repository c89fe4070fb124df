/** The agent's software version, reported at enrollment and in every heartbeat. */
import { readFileSync } from 'node:fs';

// Set by scripts/build-agent.mjs, so the bundle does not carry package.json.
declare const __TENURE_AGENT_VERSION__: string | undefined;

const fromPackage = (): string =>
  (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;

export const AGENT_VERSION: string =
  typeof __TENURE_AGENT_VERSION__ === 'string' ? __TENURE_AGENT_VERSION__ : fromPackage();
