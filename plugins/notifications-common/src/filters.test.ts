import { ConfigReader } from '@backstage/config';
import {
  getProcessorFiltersFromConfig,
  matchesProcessorFilters,
} from './filters';
import { NotificationPayload, NotificationProcessorFilters } from './types';

describe('getProcessorFiltersFromConfig', () => {
  it('reads the filter block', () => {
    const config = new ConfigReader({
      filter: {
        minSeverity: 'high',
        maxSeverity: 'critical',
        excludedTopics: ['noise'],
        includedTopics: ['deploys'],
      },
    });
    expect(getProcessorFiltersFromConfig(config)).toEqual({
      minSeverity: 'high',
      maxSeverity: 'critical',
      excludedTopics: ['noise'],
      includedTopics: ['deploys'],
    });
  });

  it('returns no filters without a block', () => {
    expect(getProcessorFiltersFromConfig(new ConfigReader({}))).toEqual({});
  });

  it('throws on an invalid severity', () => {
    const config = new ConfigReader({ filter: { minSeverity: 'urgent' } });
    expect(() => getProcessorFiltersFromConfig(config)).toThrow(
      "Invalid severity 'urgent' at 'minSeverity'",
    );
  });
});

describe('matchesProcessorFilters', () => {
  it('passes everything without filters', () => {
    expect(matchesProcessorFilters({}, {})).toBe(true);
  });

  it.each<
    [
      Pick<NotificationPayload, 'severity' | 'topic'>,
      NotificationProcessorFilters,
      boolean,
    ]
  >([
    // Severity bounds; a notification without a severity counts as normal.
    [{ severity: 'low' }, { minSeverity: 'normal' }, false],
    [{}, { minSeverity: 'normal' }, true],
    [{}, { minSeverity: 'high' }, false],
    [{ severity: 'critical' }, { maxSeverity: 'high' }, false],
    [{ severity: 'high' }, { maxSeverity: 'high' }, true],
    // Excluded topics are dropped; an included topic is required.
    [{ topic: 'noise' }, { excludedTopics: ['noise'] }, false],
    [{ topic: 'other' }, { excludedTopics: ['noise'] }, true],
    [{}, { includedTopics: ['deploys'] }, false],
    [{ topic: 'other' }, { includedTopics: ['deploys'] }, false],
    [{ topic: 'deploys' }, { includedTopics: ['deploys'] }, true],
  ])('judges %j under %j: %s', (notification, filters, matches) => {
    expect(matchesProcessorFilters(notification, filters)).toBe(matches);
  });

  it('keeps broadcasts from a processor that declines them, and only those', () => {
    const declines = { broadcasts: false };
    expect(matchesProcessorFilters({}, declines, { broadcast: true })).toBe(
      false,
    );
    expect(matchesProcessorFilters({}, declines, { broadcast: false })).toBe(
      true,
    );
    expect(matchesProcessorFilters({}, declines)).toBe(true);
    expect(
      matchesProcessorFilters({}, { broadcasts: true }, { broadcast: true }),
    ).toBe(true);
    expect(matchesProcessorFilters({}, {}, { broadcast: true })).toBe(true);
  });
});
