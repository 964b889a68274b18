import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Flex, Select, Text } from '@backstage/ui';
import {
  notificationReasonTypes,
  notificationSeverities,
} from '@herald/plugin-notifications-common';
import { notificationsTranslationRef } from '../../translation';
import { NotificationsFilters, viewFilters } from './filters';

const ANY = '___any___' as const;

/** A select over `choices`, each shown as `labelOf` names it. */
function FilterSelect<T extends string>(props: {
  id: string;
  label: string;
  value: T;
  choices: readonly T[];
  labelOf: (choice: T) => string;
  onChange: (value: T) => void;
}) {
  return (
    <Select
      data-testid={props.id}
      size="small"
      label={props.label}
      options={props.choices.map(choice => ({
        id: choice,
        label: props.labelOf(choice),
      }))}
      value={props.value}
      onChange={value => props.onChange(String(value) as T)}
    />
  );
}

/** The filters column of the notifications page. */
export function NotificationsFiltersPanel(props: {
  filters: NotificationsFilters;
  topics: string[];
  onChange: (change: Partial<NotificationsFilters>) => void;
}) {
  const { filters, topics, onChange } = props;
  const { t } = useTranslationRef(notificationsTranslationRef);
  const shownTopics =
    filters.topic && !topics.includes(filters.topic)
      ? [...topics, filters.topic]
      : topics;
  const sortedTopics = [...shownTopics].sort((a, b) => a.localeCompare(b));
  return (
    <Flex direction="column" gap="3" data-testid="notifications-filters">
      <Text as="h2" variant="title-x-small">
        {t('filters.title')}
      </Text>
      <FilterSelect
        id="notifications-filter-view"
        label={t('filters.view.label')}
        value={filters.view}
        choices={viewFilters}
        labelOf={view => t(`filters.view.${view}`)}
        onChange={view => onChange({ view })}
      />
      <FilterSelect
        id="notifications-filter-created"
        label={t('filters.createdAfter.label')}
        value={filters.createdAfter}
        choices={['last24h', 'lastWeek', 'anyTime'] as const}
        labelOf={id => t(`filters.createdAfter.${id}`)}
        onChange={createdAfter => onChange({ createdAfter })}
      />
      <FilterSelect
        id="notifications-filter-sort"
        label={t('filters.sortBy.label')}
        value={filters.sortBy}
        choices={['newest', 'oldest', 'topic', 'origin'] as const}
        labelOf={id => t(`filters.sortBy.${id}`)}
        onChange={sortBy => onChange({ sortBy })}
      />
      <FilterSelect
        id="notifications-filter-severity"
        label={t('filters.severity.label')}
        value={filters.minimumSeverity}
        choices={notificationSeverities}
        labelOf={severity => t(`filters.severity.${severity}`)}
        onChange={minimumSeverity => onChange({ minimumSeverity })}
      />
      <FilterSelect
        id="notifications-filter-topic"
        label={t('filters.topic.label')}
        value={filters.topic ?? ANY}
        choices={[ANY, ...sortedTopics]}
        labelOf={topic => (topic === ANY ? t('filters.topic.anyTopic') : topic)}
        onChange={topic =>
          onChange({ topic: topic === ANY ? undefined : topic })
        }
      />
      <FilterSelect
        id="notifications-filter-reason"
        label={t('filters.reason.label')}
        value={filters.reason ?? ANY}
        choices={[ANY, ...notificationReasonTypes]}
        labelOf={reason =>
          reason === ANY
            ? t('filters.reason.any')
            : t(`filters.reason.${reason}`)
        }
        onChange={reason =>
          onChange({ reason: reason === ANY ? undefined : reason })
        }
      />
    </Flex>
  );
}
