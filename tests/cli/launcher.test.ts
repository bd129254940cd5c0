import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REFERENCE, REPO } from '../paths.js';

describe('bin/jsonlm.mjs', () => {
  it('stops quietly with exit 0 when the reader closes the pipe early (jsonlm logits | head)', async () => {
    // 49,152 logits are far more than one pipe buffer, so the write fails after the reader has gone.
    const child = spawn(process.execPath, [join(REPO, 'bin/jsonlm.mjs'), 'logits', '--model', join(REFERENCE, 'ref-bpe/hf'), '--tokens', '1,2,3'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE/);
    expect(code).toBe(0);
  });

  it('an unknown command is a usage error (exit 2) that lists the commands', async () => {
    const child = spawn(process.execPath, [join(REPO, 'bin/jsonlm.mjs'), 'frobnicate'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown command 'frobnicate'/);
    expect(stderr).toMatch(/extract/);
  });
});
