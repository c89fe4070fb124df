/** The connector kinds this build knows, by the name used in tenure.yaml `connector:`. */
import type { ConnectorFactory } from './contract.js';
import { csvExportConnector } from './csv-export/csv-export-connector.js';
import { ldapConnector } from './ldap/ldap-connector.js';
import { manualConnector } from './manual/manual-connector.js';
import { scimConnector } from './scim/scim-connector.js';

const factories = new Map<string, ConnectorFactory<never>>(
  [csvExportConnector, manualConnector, ldapConnector, scimConnector].map((f) => [
    f.kind,
    f as ConnectorFactory<never>,
  ]),
);

export const findConnector = (kind: string): ConnectorFactory<unknown> | undefined =>
  factories.get(kind) as ConnectorFactory<unknown> | undefined;

export const connectorKinds = (): string[] => [...factories.keys()].sort();
