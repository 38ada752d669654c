export type { Cache, CacheMode, CachePing } from './cache.js';
export { CacheUnavailableError } from './cache.js';
export { CachedReads, type CachedReadsOptions, type Lookup, type LookupResult } from './cached-reads.js';
export { jsonCodec, pageCodec, recordCodec, type CacheCodec } from './codecs.js';
export { InProcessCache } from './in-process-cache.js';
export {
  CACHE_REGIONS,
  cacheKeys,
  cacheNamespaces,
  type CacheEntryKey,
  type CacheRegion,
  type CacheTtls,
} from './keys.js';
export { cacheIndicator, openCache, type OpenedCache } from './open-cache.js';
export { RedisCache } from './redis-cache.js';
export { openRedis, type RedisClient } from './redis.js';
