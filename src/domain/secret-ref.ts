/**
 * The one way a secret is written in any settings file (tenure.yaml, agent.yaml): a `${env:NAME}`
 * reference, resolved at the moment of use and never logged. Shared by the config, the HR sources,
 * the connectors and the agent, so each validates secrets without importing the others.
 */
import { z } from 'zod';

/** `${env:NAME}`; group 1 is NAME. */
export const SECRET_REF = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;

export const secretRef = z.string().regex(SECRET_REF, 'secrets must be written as ${env:NAME}');

/** The environment variable a reference names, or undefined when it is not a reference. */
export const secretEnvName = (ref: string): string | undefined => SECRET_REF.exec(ref)?.[1];
