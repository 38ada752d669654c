export { openThrottling, type Throttling, type OpenThrottlingOptions } from './open-throttling.js';
export {
  SignInThrottle,
  KNOWN_ADDRESS_TTL_MS,
  type SignInAttempt,
  type SignInDecision,
  type SignInOutcome,
  type SignInScope,
  type SignInTicket,
} from './sign-in-throttle.js';
export { ApiThrottle, type ApiDecision, type ApiScope } from './api-throttle.js';
export {
  digestOf,
  secondsUntilWindowEnds,
  windowStartOf,
  type BucketHit,
  type ThrottleStore,
} from './throttle-store.js';
export { PostgresThrottleStore } from './postgres-throttle-store.js';
export { RedisThrottleStore } from './redis-throttle-store.js';
export { FailoverThrottleStore } from './failover-throttle-store.js';
