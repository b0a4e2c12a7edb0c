import { describe, it, expect } from 'vitest';
import { safeLocalPath, singleLine, singleLineText } from '../../src/lib/validate.ts';

describe('safeLocalPath', () => {
  // [input, expected]: every one of the first group normalizes, decodes or resolves to another host.
  const OFF_SITE: string[] = [
    '//evil.example',
    '/\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    '/\r\n/evil.example',
    '/.//evil.example',
    '/..//evil.example',
    '/a/..//evil.example',
    '/x/../../\t/evil.example',
    '/%2e%2e//evil.example',
    '/%2F/evil.example',
    '/%2f%2fevil.example',
    '/.%2F/evil.example',
    '/%5Cevil.example',
    '/%5c%5cevil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    '\\\\evil.example',
    ' /faq',
    '',
    `/${'a'.repeat(600)}`,
  ];
  for (const input of OFF_SITE) {
    it(`when next is ${JSON.stringify(input.slice(0, 40))}, then the fallback is used`, () => {
      expect(safeLocalPath(input, '/home')).toBe('/home');
    });
  }

  const LOCAL: [string, string][] = [
    ['/', '/'],
    ['/faq', '/faq'],
    ['/faq/bootstrap-dns?q=a%2Fb#fix', '/faq/bootstrap-dns?q=a%2Fb#fix'],
    ['/workshops/aio/../faq', '/workshops/faq'],
    ['/faq?next=//evil.example', '/faq?next=//evil.example'],
    ['/ /x', '/%20/x'],
    ['/%09/x', '/%09/x'],
  ];
  for (const [input, expected] of LOCAL) {
    it(`when next is ${JSON.stringify(input)}, then it is kept as ${JSON.stringify(expected)}`, () => {
      expect(safeLocalPath(input)).toBe(expected);
    });
  }

  it('when next is not a string, then the fallback is used', () => {
    for (const v of [undefined, null, 42, ['/faq'], { toString: () => '/faq' }]) expect(safeLocalPath(v)).toBe('/');
  });
});

describe('single-line fields', () => {
  it('when a value holds line breaks of any kind, tabs, controls or bidi overrides, then it becomes one clean line', () => {
    expect(singleLine('  Install\r\nATTENDEE:x\u2028LS\u2029PS\u0085NEL\tTab\vVT\fFF  ')).toBe('Install ATTENDEE:x LS PS NEL Tab VT FF');
    expect(singleLine('a\u0000b\u001bc\u007fd\u009fe \u202Eevil\u202C \u2066iso\u2069')).toBe('abcde evil iso');
    expect(singleLine('Straße über Café')).toBe('Straße über Café');
  });

  it('when a schema uses singleLineText, then it cleans first and then holds the length', () => {
    const Title = singleLineText(10, 3);
    expect(Title.parse('  a\r\nb  ')).toBe('a b');
    expect(Title.safeParse('a\n\n').error?.issues[0]?.message).toBe('Write at least 3 characters.');
    expect(Title.safeParse('x'.repeat(11)).error?.issues[0]?.message).toBe('Use at most 10 characters.');
    expect(singleLineText(10, 1).safeParse('\r\n').error?.issues[0]?.message).toBe('Fill this in.');
  });
});
