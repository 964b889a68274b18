import {
  isNotificationSeverity,
  isSeverityAtLeast,
  normalizeSeverity,
  severitiesAtLeast,
  severityRank,
} from './severity';
import { notificationSeverities } from './types';

describe('severity', () => {
  it('orders severities from critical to low', () => {
    expect(notificationSeverities).toEqual([
      'critical',
      'high',
      'normal',
      'low',
    ]);
    expect(severityRank('critical')).toBe(0);
    expect(severityRank('low')).toBe(3);
  });

  it('lists a severity and everything more severe', () => {
    expect(severitiesAtLeast('critical')).toEqual(['critical']);
    expect(severitiesAtLeast('normal')).toEqual(['critical', 'high', 'normal']);
    expect(severitiesAtLeast('low')).toEqual(notificationSeverities);
  });

  it('compares severities', () => {
    expect(isSeverityAtLeast('high', 'normal')).toBe(true);
    expect(isSeverityAtLeast('normal', 'normal')).toBe(true);
    expect(isSeverityAtLeast('low', 'normal')).toBe(false);
  });

  it('recognises only the four lower-case severities', () => {
    expect(isNotificationSeverity('high')).toBe(true);
    expect(isNotificationSeverity('HIGH')).toBe(false);
    expect(isNotificationSeverity('urgent')).toBe(false);
    expect(isNotificationSeverity(undefined)).toBe(false);
  });

  it('normalises as stored: lower-cased, unknown values become normal', () => {
    expect(normalizeSeverity('CRITICAL')).toBe('critical');
    expect(normalizeSeverity('low')).toBe('low');
    expect(normalizeSeverity('urgent')).toBe('normal');
    expect(normalizeSeverity(undefined)).toBe('normal');
    expect(normalizeSeverity(3)).toBe('normal');
  });
});
