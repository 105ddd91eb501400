import { describe, expect, it } from 'vitest';
import { cosine, paperSchedule, stepEvery, warmup } from './schedules.js';

describe('schedules', () => {
  it('drops ×0.1 at 1/2, 3/4 and 7/8 of training (CIFAR: epochs 200, 300, 350 of 400)', () => {
    const s = paperSchedule(0.1, 400, 781);
    expect(s.lrAt(0)).toBeCloseTo(0.1);
    expect(s.lrAt(200 * 781 - 1)).toBeCloseTo(0.1);
    expect(s.lrAt(200 * 781)).toBeCloseTo(0.01);
    expect(s.lrAt(300 * 781)).toBeCloseTo(0.001);
    expect(s.lrAt(350 * 781)).toBeCloseTo(0.0001);
  });

  it('steps every 30 epochs for ImageNet', () => {
    const s = stepEvery(0.1, 30, 95, 10);
    expect(s.lrAt(299)).toBeCloseTo(0.1);
    expect(s.lrAt(300)).toBeCloseTo(0.01);
    expect(s.lrAt(900)).toBeCloseTo(0.0001);
  });

  it('anneals with a cosine and warms up linearly', () => {
    const c = cosine(1, 100);
    expect(c.lrAt(0)).toBeCloseTo(1);
    expect(c.lrAt(50)).toBeCloseTo(0.5);
    expect(c.lrAt(100)).toBeCloseTo(0);
    const w = warmup(c, 10, 0);
    expect(w.lrAt(0)).toBe(0);
    expect(w.lrAt(5)).toBeCloseTo(0.5 * c.lrAt(5));
    expect(w.lrAt(10)).toBeCloseTo(c.lrAt(10));
  });
});
