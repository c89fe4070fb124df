/** One spelling per username for lookups, uniqueness and throttling: `Admin` and `admin` are one account. */

/**
 * ASCII lower case, exactly what SQL `lower()` does on both SQLite and PostgreSQL for the ASCII
 * names USERNAME allows; `toLowerCase()` would also fold e.g. the Kelvin sign into `k`.
 */
export const usernameKey = (username: string): string =>
  username.replace(/[A-Z]/g, (c) => c.toLowerCase());
