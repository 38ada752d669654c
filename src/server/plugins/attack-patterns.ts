/**
 * Recognises SQL injection and cross-site scripting payloads in request text, for detection only:
 * safety comes from parameterised SQL and output encoding, so a miss costs a log line, and a false
 * alarm costs an operator's time. The rules therefore look for the structure of an attack (a quote
 * that closes a string and then a tautology, a stacked statement, a tag that runs script), never for
 * single words that ordinary names and notes contain ("O'Brien", "Select Medical Group", "Drop-in
 * clinic", "Union Street", "<3 months", "and/or").
 */
export type AttackType = 'SQL_INJECTION' | 'XSS_ATTEMPT';

export interface AttackMatch {
  readonly type: AttackType;
  /** Which rule matched, for the log line (never the text itself). */
  readonly rule: string;
}

/** Longer text is inspected only up to here: attacks sit at the start, and the cost stays bounded. */
export const INSPECTED_LENGTH = 4096;

const SQL_RULES: readonly [string, RegExp][] = [
  // ' OR '1'='1   " or 1=1   ') or ('a'='a   ' AND 1=1
  [
    'quote-tautology',
    /['"`]\s*\)*\s*(?:or|and|\|\||&&)\s+\(?\s*(?:['"`]\w*['"`]|\w+)\s*(?:=|<>|!=|<|>|like\b)/i,
  ],
  // 1 OR 1=1, and 2=2 (the same number on both sides)
  ['numeric-tautology', /\b(?:or|and)\s+(\d+)\s*=\s*\1\b/i],
  // 1;DROP TABLE users   '; delete from x   ; insert into   ; update x set
  [
    'stacked-statement',
    /;\s*(?:drop\s+(?:table|database|schema|view|index|function|role|user)\b|delete\s+from\b|insert\s+into\b|update\s+\w+\s+set\b|truncate\s+table\b|alter\s+(?:table|user|role)\b|create\s+(?:table|user|role|function)\b|grant\s+\w+|exec(?:ute)?\s|shutdown\b|select\s+\S)/i,
  ],
  // admin'--   ' --   "#   x'/*  : a closed string followed by a comment that cuts the query
  ['quote-comment', /['"`]\s*\)*\s*(?:--|#|\/\*)(?:\s*\d*\s*)$/],
  ['quote-comment-stacked', /['"`]\s*\)*\s*;\s*--/],
  ['union-select', /\bunion\b(?:\s+(?:all|distinct))?\s+\(?\s*select\b/i],
  [
    'system-catalog',
    /\b(?:information_schema|pg_catalog|pg_shadow|pg_user|sysobjects|syscolumns|mysql\.user)\b/i,
  ],
  [
    'sleep-call',
    /\b(?:pg_sleep|dbms_pipe\.receive_message)\s*\(|\bbenchmark\s*\(\s*\d+\s*,|waitfor\s+delay\s+['"]/i,
  ],
  ['sleep-after-keyword', /(?:\b(?:select|and|or)\b|['";|])\s*\(?\s*sleep\s*\(\s*\d+\s*\)/i],
  ['procedure-call', /\bexec(?:ute)?\s*\(?\s*(?:xp|sp)_\w+/i],
  ['select-from-sensitive', /\bselect\b[^;]{0,80}\bfrom\s+(?:users|sessions|pg_\w+|dual)\b/i],
];

const DANGEROUS_TAGS =
  'script|iframe|frame|frameset|object|embed|applet|svg|math|img|image|video|audio|source|body|html|meta|link|style|base|form|input|button|textarea|details|marquee|plaintext|xmp|title|isindex|template|noscript|div|span|table|td|a\\s[^>]*href';

const EVENT_HANDLERS =
  'error|load|unload|beforeunload|focus|focusin|blur|click|dblclick|auxclick|contextmenu|mouse\\w*|key\\w*|wheel|copy|cut|paste|propertychange|input|change|submit|reset|select|toggle|animation\\w*|transition\\w*|pointer\\w*|touch\\w*|drag\\w*|drop|scroll|resize|begin|end|start|message|hashchange|popstate|abort|show|search|invalid|readystatechange|pageshow|pagehide|storage|afterprint|beforeprint';

const XSS_RULES: readonly [string, RegExp][] = [
  ['script-tag', /<\s*\/?\s*script\b/i],
  ['html-tag', new RegExp(`<\\/?(?:${DANGEROUS_TAGS})(?=[\\s/>"'\\x00-\\x1f\\[]|$)`, 'i')],
  ['script-url', /\b(?:java|vb|live)script\s*:/i],
  ['data-html-url', /\bdata\s*:\s*text\/html/i],
  ['event-handler', new RegExp(`(?:^|[\\s"'\`/;])on(?:${EVENT_HANDLERS})\\s*=`, 'i')],
  ['css-expression', /:\s*expression\s*\(/i],
  // '";alert(1);//   ;prompt(1)   : a broken-out string that calls a dialog
  [
    'dialog-call',
    /(?:['"`;)]|^)\s*(?:alert|prompt|confirm)\s*\(\s*(?:\d|['"`]|document\b|string\.fromcharcode|\))/i,
  ],
  ['script-api', /\b(?:document\.(?:cookie|domain|write)|window\.location|string\.fromcharcode)\b/i],
];

const NAMED_ENTITIES: Record<string, string> = {
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  amp: '&',
  colon: ':',
  tab: '\t',
  newline: '\n',
  lpar: '(',
  rpar: ')',
  sol: '/',
};

/**
 * The forms a browser or a database would see: Unicode compatibility forms folded (＜script＞),
 * HTML character references and \xNN escapes decoded, percent-encoding decoded, and control
 * characters removed (they hide "java\tscript:" from naive matching but not from browsers).
 */
export function normalisedForms(text: string): string[] {
  const folded = text.slice(0, INSPECTED_LENGTH).normalize('NFKC');
  const decoded = folded
    .replace(/&#x([0-9a-f]{1,6});?/gi, (_match, hex: string) => codePoint(parseInt(hex, 16)))
    .replace(/&#(\d{1,7});?/g, (_match, digits: string) => codePoint(Number(digits)))
    .replace(/&([a-z]{2,8});/gi, (match, name: string) => NAMED_ENTITIES[name.toLowerCase()] ?? match)
    .replace(/\\x([0-9a-f]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\u([0-9a-f]{4})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  const forms = new Set([folded, decoded]);
  if (/%[0-9a-f]{2}/i.test(decoded)) {
    try {
      forms.add(decodeURIComponent(decoded));
    } catch {
      forms.add(
        decoded.replace(/%([0-9a-f]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      );
    }
  }
  for (const form of [...forms]) {
    // eslint-disable-next-line no-control-regex
    const stripped = form.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '');
    forms.add(stripped);
  }
  return [...forms];
}

function codePoint(value: number): string {
  return value > 0 && value <= 0x10ffff ? String.fromCodePoint(value) : '';
}

/** The attacks `text` looks like: at most one match per type. Plain text with no markers is skipped fast. */
export function detectAttacks(text: string): AttackMatch[] {
  if (text.length < 3 || !/[<>'"`;=:()&%\\]/.test(text)) return [];
  const found: AttackMatch[] = [];
  const forms = normalisedForms(text);
  const firstRule = (rules: readonly [string, RegExp][]): string | undefined =>
    rules.find(([, pattern]) => forms.some((form) => pattern.test(form)))?.[0];
  const sql = firstRule(SQL_RULES);
  if (sql) found.push({ type: 'SQL_INJECTION', rule: sql });
  const xss = firstRule(XSS_RULES);
  if (xss) found.push({ type: 'XSS_ATTEMPT', rule: xss });
  return found;
}
