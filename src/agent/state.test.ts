import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KEY_FILE, loadOrCreateKeys, readEnrolled, writeEnrolled } from './state.js';

const dir = mkdtempSync(join(tmpdir(), 'tenure-agent-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('agent state directory', () => {
  it('makes an Ed25519 key once, mode 0600, and loads the same key afterwards', () => {
    const state = join(dir, 'state');
    const first = loadOrCreateKeys(state);
    expect(first.created).toBe(true);
    expect(first.keys.privateKey.asymmetricKeyType).toBe('ed25519');
    expect(statSync(join(state, KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(state).mode & 0o777).toBe(0o700);
    const again = loadOrCreateKeys(state);
    expect(again.created).toBe(false);
    expect(again.keys.publicKeyPem).toBe(first.keys.publicKeyPem);
    expect(first.keys.publicKeyPem).toMatch(/BEGIN PUBLIC KEY/);
  });

  it('refuses a key file others can read', () => {
    const state = join(dir, 'loose');
    loadOrCreateKeys(state);
    chmodSync(join(state, KEY_FILE), 0o644);
    expect(() => loadOrCreateKeys(state)).toThrow(/readable by others/);
  });

  it('remembers the enrollment', () => {
    const state = join(dir, 'state');
    expect(readEnrolled(state)).toBeUndefined();
    const e = { agent_id: 'a1', site: 'HQ', server_url: 'https://x', enrolled_at: 'now' };
    writeEnrolled(state, e);
    expect(readEnrolled(state)).toEqual(e);
  });
});
