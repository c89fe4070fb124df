import { describe, expect, it } from 'vitest';
import { parseAgentArgs } from './main.js';

describe('tenure-agent arguments', () => {
  it('takes --config and --enroll-token, spaced or with =', () => {
    expect(parseAgentArgs(['--config', 'a.yaml', '--enroll-token=t0k'])).toEqual({
      config: 'a.yaml',
      enrollToken: 't0k',
    });
    expect(parseAgentArgs(['-c', 'b.yaml', '--version'])).toEqual({
      config: 'b.yaml',
      version: true,
    });
  });

  it('refuses unknown arguments and missing values', () => {
    expect(() => parseAgentArgs(['--port', '80'])).toThrow('unknown argument "--port"');
    expect(() => parseAgentArgs(['--config'])).toThrow('--config needs a value');
  });
});
