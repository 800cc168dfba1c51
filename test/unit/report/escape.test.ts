// Control characters in names reach people escaped: in every table (the one renderer) and in
// messages (the one function), never as raw terminal input.
import { describe, expect, it } from 'vitest';
import { escapeControl } from '../../../src/report/escape.js';
import { renderTable } from '../../../src/report/table.js';

const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('escapeControl', () => {
  it.each([
    ['plain/model-1.5b', 'plain/model-1.5b'],
    ['red\u001b[31mtext\u001b[0m', 'red\\x1b[31mtext\\x1b[0m'],
    ['a\nb\rc\td', 'a\\nb\\rc\\td'],
    ['bell\u0007 nul\u0000 del\u007f csi\u009b', 'bell\\x07 nul\\x00 del\\x7f csi\\x9b'],
    ['üñï ✓ 🚀', 'üñï ✓ 🚀'],
  ])('%j -> %j', (input, expected) => {
    expect(escapeControl(input)).toBe(expected);
  });

  it('keepLines keeps newlines and tabs of a multi-line message, and nothing else', () => {
    expect(escapeControl('line 1\n\tline 2 \u001b]0;title\u0007\r', { keepLines: true })).toBe('line 1\n\tline 2 \\x1b]0;title\\x07\\r');
  });
});

describe('renderTable', () => {
  it('escapes control characters in cells, header and title: one row stays one line, no ESC reaches the terminal', () => {
    const name = 'evil\u001b[2J\u001b[31m\nforged row';
    const table = renderTable(['id\u001b[1m', 'model'], [[name, 'm\r\u009b'], ['ok', 3]], { title: `title \u001b[5m` });
    expect(table).not.toMatch(RAW_CONTROL);
    expect(table).toContain('evil\\x1b[2J\\x1b[31m\\nforged row');
    expect(table).toContain('m\\r\\x9b');
    expect(table).toContain('title \\x1b[5m');
    // title + top border + header + 2 rows + bottom border.
    expect(table.split('\n')).toHaveLength(6);
  });
});
