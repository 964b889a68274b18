import { ConfigReader } from '@backstage/config';
import {
  getProcessorFiltersFromConfig,
  matchesProcessorFilters,
} from './filters';

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

  it('applies minimum and maximum severity, normal when unset', () => {
    expect(
      matchesProcessorFilters({ severity: 'low' }, { minSeverity: 'normal' }),
    ).toBe(false);
    expect(matchesProcessorFilters({}, { minSeverity: 'normal' })).toBe(true);
    expect(matchesProcessorFilters({}, { minSeverity: 'high' })).toBe(false);
    expect(
      matchesProcessorFilters(
        { severity: 'critical' },
        { maxSeverity: 'high' },
      ),
    ).toBe(false);
    expect(
      matchesProcessorFilters({ severity: 'high' }, { maxSeverity: 'high' }),
    ).toBe(true);
  });

  it('drops excluded topics and requires an included topic', () => {
    expect(
      matchesProcessorFilters(
        { topic: 'noise' },
        { excludedTopics: ['noise'] },
      ),
    ).toBe(false);
    expect(
      matchesProcessorFilters(
        { topic: 'other' },
        { excludedTopics: ['noise'] },
      ),
    ).toBe(true);
    expect(matchesProcessorFilters({}, { includedTopics: ['deploys'] })).toBe(
      false,
    );
    expect(
      matchesProcessorFilters(
        { topic: 'other' },
        { includedTopics: ['deploys'] },
      ),
    ).toBe(false);
    expect(
      matchesProcessorFilters(
        { topic: 'deploys' },
        { includedTopics: ['deploys'] },
      ),
    ).toBe(true);
  });
});
