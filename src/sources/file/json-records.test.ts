import { describe, expect, it } from 'vitest';
import { splitJsonRecords } from './json-records.js';

describe('splitJsonRecords', () => {
  it('cuts a pretty-printed array into records; a broken one resumes at the next record', () => {
    const text =
      '[\n  {"employee_id": "E1", "tags": ["a,b", {"x": "}"}]},\n  {"employee_id": "E2", "title": "Eng\n  ,"x": 1},\n  {"employee_id": "E3"}\n]\n';
    expect(splitJsonRecords(text)).toEqual([
      { line: 2, value: { employee_id: 'E1', tags: ['a,b', { x: '}' }] } },
      {
        line: 3,
        broken: 'a string is not closed on its line',
        text: '{"employee_id": "E2", "title": "Eng',
      },
      { line: 5, value: { employee_id: 'E3' } },
    ]);
  });

  it('a record that scans but does not parse is broken alone', () => {
    const pieces = splitJsonRecords(
      '{"employees": [{"employee_id": "E1", "status": active},\n{"employee_id": "E2"}]}',
    );
    expect(pieces?.map((p) => ('broken' in p ? `broken@${p.line}` : p.line))).toEqual([
      'broken@1',
      2,
    ]);
  });

  it('gives null for a truncated file or no array', () => {
    expect(splitJsonRecords('[{"employee_id": "E1"},\n{"employee_id": "E2"')).toBeNull();
    expect(splitJsonRecords('[{"employee_id": "E1", "x": "oops\n')).toBeNull();
    expect(splitJsonRecords('{"people": [}')).toBeNull();
  });
});
