import { describe, expect, it } from 'vitest';
import { parseCandidateVersion, parseKernelDependency } from './kernel-package.js';

describe('parseKernelDependency', () => {
  it('finds the versioned kernel package the metapackage depends on', () => {
    expect(parseKernelDependency('linux-image-amd64\n  Depends: linux-image-6.1.0-56-amd64\n')).toBe('linux-image-6.1.0-56-amd64');
  });
  it('ignores other dependencies and returns null when there is none', () => {
    expect(parseKernelDependency('linux-image-amd64\n  Recommends: firmware-linux\n')).toBeNull();
  });
});

describe('parseCandidateVersion', () => {
  it('reads the candidate version', () => {
    expect(parseCandidateVersion('linux-image-6.1.0-56-amd64:\n  Installed: (none)\n  Candidate: 6.1.192-2\n')).toBe('6.1.192-2');
  });
  it('treats (none) as no candidate', () => {
    expect(parseCandidateVersion('x:\n  Installed: (none)\n  Candidate: (none)\n')).toBeNull();
  });
});
