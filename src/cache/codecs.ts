/** How a value is written to the cache and read back as the same value (JSON, with Dates revived). */
export interface CacheCodec<T> {
  encode(value: T): string;
  decode(text: string): T;
}

/** Plain JSON: for values with no Date in them (the dashboard). */
export function jsonCodec<T>(): CacheCodec<T> {
  return {
    encode: (value) => JSON.stringify(value),
    decode: (text) => JSON.parse(text) as T,
  };
}

function revive(object: Record<string, unknown>, dateFields: readonly string[]): void {
  for (const field of dateFields) {
    const value = object[field];
    if (typeof value === 'string') object[field] = new Date(value);
  }
}

/** A record whose `dateFields` are Dates (createdAt, updatedAt): they come back as Dates, not strings. */
export function recordCodec<T extends object>(dateFields: readonly (keyof T & string)[]): CacheCodec<T> {
  return {
    encode: (value) => JSON.stringify(value),
    decode: (text) => {
      const record = JSON.parse(text) as Record<string, unknown>;
      revive(record, dateFields);
      return record as T;
    },
  };
}

/** A page `{ items, ... }` of such records. */
export function pageCodec<Item extends object, Page extends { items: Item[] }>(
  dateFields: readonly (keyof Item & string)[],
): CacheCodec<Page> {
  return {
    encode: (value) => JSON.stringify(value),
    decode: (text) => {
      const page = JSON.parse(text) as Page;
      for (const item of page.items) revive(item as Record<string, unknown>, dateFields);
      return page;
    },
  };
}
