import { Type } from 'typebox';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/** `limit` and `offset` query parameters of every list (CONTRACT §3: default 50, max 500). */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
};
