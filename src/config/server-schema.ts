/** tenure.yaml `server:` and `auth:` sections: how `tenure serve` listens and how people sign in. */
import { z } from 'zod';
import { ROLES } from '../domain/roles.js';
import { secretRef } from '../domain/secret-ref.js';

export const serverSchema = z.strictObject({
  /** Loopback by default: exposing the control plane is a decision, not an accident. */
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8080),
  /** PEM files, relative to the workspace. Both or neither. */
  tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
  /** Trust X-Forwarded-* from a reverse proxy (client IP for throttling, https for cookies). */
  trust_proxy: z.boolean().default(false),
  body_limit_bytes: z
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  /** `always`: mark cookies Secure even on plain HTTP (TLS terminated by a proxy). */
  secure_cookies: z.enum(['auto', 'always']).default('auto'),
  /** How long a SIGTERM waits for in-flight requests before closing connections. */
  shutdown_timeout_seconds: z.number().min(0).max(600).default(30),
});

export const oidcSchema = z.strictObject({
  issuer: z.url(),
  client_id: z.string().min(1),
  /** Absent: a public client (PKCE only). */
  client_secret: secretRef.optional(),
  /** Must match the IdP registration, e.g. https://tenure.example.com/api/v1/auth/oidc/callback */
  redirect_uri: z.url(),
  scopes: z.array(z.string()).default(['openid', 'email', 'profile']),
  /** The claim that becomes the Tenure username (and, for `email`, maps to an identity). */
  username_claim: z.enum(['email', 'preferred_username', 'sub']).default('email'),
  /** Role of a user created at first OIDC sign-in. */
  default_role: z.enum(ROLES).default('requester'),
  /** Optional claim (e.g. `groups`) whose values map to roles through `role_map`. */
  roles_claim: z.string().optional(),
  role_map: z.record(z.string(), z.enum(ROLES)).default({}),
  /** Create users at first sign-in; false: only users an admin created may sign in. */
  auto_create: z.boolean().default(true),
  /** Testing only: allow an http:// issuer, and only on a loopback address. */
  allow_insecure_http: z.boolean().default(false),
});

export const authSchema = z.strictObject({
  session_hours: z.number().min(0.25).max(720).default(12),
  password_login: z.boolean().default(true),
  throttle: z
    .strictObject({
      window_minutes: z.number().min(1).max(1440).default(15),
      max_failures_per_account: z.number().int().min(1).default(5),
      max_failures_per_ip: z.number().int().min(1).default(50),
    })
    .prefault({}),
  oidc: oidcSchema.optional(),
});

export type ServerConfig = z.infer<typeof serverSchema>;
export type AuthConfig = z.infer<typeof authSchema>;
export type OidcConfig = z.infer<typeof oidcSchema>;
