import { describe, expect, it } from 'vitest';
import { eachBounded } from '../src/lib/bounded.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('eachBounded', () => {
  it('runs every item, never more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await eachBounded([1, 2, 3, 4, 5, 6, 7], 3, async (i) => {
      most = Math.max(most, ++running);
      await tick();
      running--;
      done.push(i);
    });
    expect(most).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('after a failure starts nothing more, and throws only when the tasks in flight have settled', async () => {
    const started: number[] = [];
    let slowFinished = false;
    const err = await eachBounded([1, 2, 3, 4], 2, async (i) => {
      started.push(i);
      if (i === 1) {
        await tick();
        await tick();
        slowFinished = true;
        return;
      }
      if (i === 2) throw new Error('listing 2 failed');
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('listing 2 failed');
    expect(slowFinished).toBe(true);
    // 1 and 2 start together; 2 fails before 1 ends, so 3 and 4 never start.
    expect(started).toEqual([1, 2]);
  });
});
