import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, spawnGateway, waitHealthy, type GatewayProcess } from './support/gateway-process.js';
import { freePort } from './support/processes.js';

/**
 * The README's tour, run as a reader would paste it: its shell block, step by step, in bash,
 * against a fresh sandbox gateway. Each curl must answer the status its "# → NNN" line states,
 * so the README and the gateway cannot drift apart.
 */
interface Step {
  title: string;
  script: string;
  expected: number | null;
}

function tourSteps(readme: string): Step[] {
  const section = readme.slice(readme.indexOf('## 60-second tour'));
  const block = section.slice(section.indexOf('```sh') + 5, section.indexOf('```', section.indexOf('```sh') + 5));
  const steps: Step[] = [];
  let current: Step | undefined;
  for (const line of block.split('\n')) {
    const heading = line.match(/^# (\d+[a-z]?)\. (.*)/);
    if (heading) {
      current = { title: `${heading[1]}. ${heading[2]}`, script: '', expected: null };
      steps.push(current);
      continue;
    }
    const expectation = line.match(/^# → (\d{3})/);
    if (expectation && current) current.expected = Number(expectation[1]);
    else if (current && !line.startsWith('#')) current.script += `${line}\n`;
  }
  return steps;
}

const run = promisify(execFile);
let gateway: GatewayProcess;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'gw-tour-'));
  gateway = spawnGateway('node', ['--import', 'tsx', 'src/node/main.ts'], { env: { DATA_DIR: join(dataDir, 'pglite'), DISPATCHER: 'false', LOG_LEVEL: 'warn' }, port: await freePort() });
  await waitHealthy(gateway, 120_000);
}, 150_000);

afterAll(async () => {
  await gateway?.kill();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('README: 60-second tour', () => {
  it('every step answers what the README says it answers', async () => {
    const steps = tourSteps(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(steps.map((s) => s.title.split('.')[0])).toEqual(['0', '1', '2', '3', '3b', '4']);
    // One bash session, as a reader's terminal: step 0's variables carry over. Only the port differs.
    const marker = '@@step';
    const script = steps.map((s, i) => `${s.script.replaceAll('127.0.0.1:3000', `127.0.0.1:${gateway.port}`)}\necho ${marker} ${i}`).join('\n');
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], { cwd: ROOT, timeout: 120_000, maxBuffer: 10 * 1024 * 1024 });
    const outputs = stdout.split(new RegExp(`${marker} \\d+\\n`));
    for (const [i, step] of steps.entries()) {
      if (step.expected === null) continue;
      const lines = outputs[i].trim().split('\n');
      const status = Number(lines[lines.length - 1]);
      expect(status, `${step.title}\n${outputs[i]}`).toBe(step.expected);
      expect(JSON.parse(lines.slice(0, -1).join('\n')), step.title).toBeTypeOf('object');
    }
  }, 180_000);
});
