import type { AppConfig } from '../../config/load.js';
import { secondsUntilWindowEnds, type ThrottleStore } from './throttle-store.js';

export type ApiScope = 'api-address' | 'api-user';

export type ApiDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly scope: ApiScope; readonly retryAfterSeconds: number };

const ALLOWED: ApiDecision = { allowed: true };

/** Requests per window for each client address and each signed-in user, shared by every instance. */
export class ApiThrottle {
  constructor(
    private readonly store: ThrottleStore,
    private readonly limits: AppConfig['security']['throttle']['api'],
    private readonly clockMs: () => number = Date.now,
  ) {}

  hitAddress(clientAddress: string): Promise<ApiDecision> {
    return this.hit('api-address', clientAddress, this.limits.perAddress);
  }

  hitUser(userId: string): Promise<ApiDecision> {
    return this.hit('api-user', userId, this.limits.perUser);
  }

  private async hit(scope: ApiScope, key: string, limit: number): Promise<ApiDecision> {
    if (limit === 0) return ALLOWED;
    const now = this.clockMs();
    const [count] = await this.store.add(
      [{ bucket: `${scope}:${key}`, windowMs: this.limits.windowMs, amount: 1 }],
      now,
    );
    if (count! <= limit) return ALLOWED;
    return { allowed: false, scope, retryAfterSeconds: secondsUntilWindowEnds(now, this.limits.windowMs) };
  }
}
