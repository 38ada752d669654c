import { createHash } from 'node:crypto';

/**
 * Every cached thing, its key and its lifetime, in one place.
 *
 * A key names a *namespace* (whose token is replaced on every write that changes what it holds) and an
 * *entry* inside it. In Redis the namespace is a hash tag, so a namespace's token and its entries live
 * in the same cluster slot:
 *
 *   <prefix>{patient:<id>}                    token of one patient's namespace
 *   <prefix>{patient:<id>}:<token>:record:2   the patient record (GET /api/v1/patients/{id})
 *   <prefix>{doctors}:<token>:list:<digest>   one page of GET /api/v1/doctors (digest of the query)
 *   <prefix>{departments}:<token>:list:<d>    one page of GET /api/v1/departments
 *   <prefix>{dashboard}:<token>:<role>        GET /api/v1/dashboard for a role (expires, see below)
 */
export type CacheRegion = 'patients' | 'doctors' | 'departments' | 'dashboard';

export const CACHE_REGIONS: readonly CacheRegion[] = ['patients', 'doctors', 'departments', 'dashboard'];

/** How long entries live (cache.ttl.*); 0 turns a region's cache off. */
export interface CacheTtls {
  /** A patient record: dropped on every write to it, so the TTL only bounds a missed invalidation. */
  readonly patientMs: number;
  /** Doctor and department lists: dropped on every doctor or department write. */
  readonly listsMs: number;
  /**
   * The dashboard's hospital-wide counts: dropped on every write through the routes it counts
   * (modules/dashboard/dashboard-freshness.ts); the TTL bounds what other writers (the CLI, a day
   * turning over) leave behind.
   */
  readonly dashboardMs: number;
}

export function ttlOf(region: CacheRegion, ttls: CacheTtls): number {
  switch (region) {
    case 'patients':
      return ttls.patientMs;
    case 'doctors':
    case 'departments':
      return ttls.listsMs;
    case 'dashboard':
      return ttls.dashboardMs;
  }
}

/**
 * How long a namespace token lives. Longer than any entry, so entries normally expire before their
 * token; when a token goes (expiry, eviction, a Redis restart) a new one is made and the old entries are
 * simply never read again: losing a token can only cause misses, never stale reads.
 */
export const NAMESPACE_TTL_MS = 24 * 60 * 60 * 1000;

/** One cached value: its region (metrics, TTL), its namespace (invalidation) and its entry. */
export interface CacheEntryKey {
  readonly region: CacheRegion;
  readonly namespace: string;
  readonly entry: string;
}

/** Namespaces that writers invalidate. */
export const cacheNamespaces = {
  patient: (patientId: string): string => `patient:${patientId}`,
  doctors: 'doctors',
  departments: 'departments',
  dashboard: 'dashboard',
} as const;

/** A short, stable digest of a list query: the same criteria in any key order give the same key. */
function digestOf(criteria: Readonly<Record<string, unknown>>): string {
  const canonical = JSON.stringify(
    Object.keys(criteria)
      .sort()
      .map((name) => [name, criteria[name] ?? null]),
  );
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 32);
}

export const cacheKeys = {
  patientRecord: (patientId: string): CacheEntryKey => ({
    region: 'patients',
    namespace: cacheNamespaces.patient(patientId),
    // Versioned by shape: during a rolling deploy, instances of two releases share the cache and must
    // not read each other's records. Bump it whenever the cached record's fields change.
    entry: 'record:2',
  }),
  doctorList: (criteria: Readonly<Record<string, unknown>>): CacheEntryKey => ({
    region: 'doctors',
    namespace: cacheNamespaces.doctors,
    entry: `list:${digestOf(criteria)}`,
  }),
  departmentList: (criteria: Readonly<Record<string, unknown>>): CacheEntryKey => ({
    region: 'departments',
    namespace: cacheNamespaces.departments,
    entry: `list:${digestOf(criteria)}`,
  }),
  dashboard: (role: string): CacheEntryKey => ({
    region: 'dashboard',
    namespace: cacheNamespaces.dashboard,
    entry: role,
  }),
} as const;

/** The store key holding a namespace's token. */
export function namespaceKeyOf(prefix: string, namespace: string): string {
  return `${prefix}{${namespace}}`;
}

/** The store key of an entry under a namespace token. */
export function entryKeyOf(prefix: string, key: CacheEntryKey, token: string): string {
  return `${prefix}{${key.namespace}}:${token}:${key.entry}`;
}
