import { describe, expect, it } from 'vitest';
import { caseNames, runCase, withoutDateLine } from './conformance.js';

// Every create case and the create-side rules error (14), through `preupd bart` built in
// dist/ (npm test builds first). Case 01 hashes a 3 GiB sparse file with MD5.
const CASES = caseNames((n) => /create|rules-unknown-keyword/.test(n));

describe.each(CASES)('bart conformance %s', (name) => {
  it('prints what illumos bart prints, with its exit status', () => {
    const result = runCase(name);
    expect(withoutDateLine(result.stdout)).toBe(withoutDateLine(result.expected.stdout));
    expect(result.stderr.toString('latin1')).toBe(result.expected.stderr.toString('latin1'));
    expect(result.status).toBe(result.expected.status);
  }, 120_000);
});
