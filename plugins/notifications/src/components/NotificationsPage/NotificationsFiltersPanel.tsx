import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Flex, Select, Text } from '@backstage/ui';
import {
  NotificationReasonType,
  NotificationSeverity,
  notificationReasonTypes,
  notificationSeverities,
} from '@herald/plugin-notifications-common';
import { notificationsTranslationRef } from '../../translation';
import {
  CreatedAfterFilter,
  NotificationsFilters,
  SortFilter,
  ViewFilter,
  viewFilters,
} from './filters';

const ANY = '___any___';

function FilterSelect(props: {
  id: string;
  label: string;
  value: string;
  options: Array<{ id: string; label: string }>;
  onChange: (value: string) => void;
}) {
  return (
    <Select
      data-testid={props.id}
      size="small"
      label={props.label}
      options={props.options}
      value={props.value}
      onChange={value => props.onChange(String(value))}
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
        options={viewFilters.map(view => ({
          id: view,
          label: t(`filters.view.${view}`),
        }))}
        onChange={value => onChange({ view: value as ViewFilter })}
      />
      <FilterSelect
        id="notifications-filter-created"
        label={t('filters.createdAfter.label')}
        value={filters.createdAfter}
        options={(['last24h', 'lastWeek', 'anyTime'] as const).map(id => ({
          id,
          label: t(`filters.createdAfter.${id}`),
        }))}
        onChange={value =>
          onChange({ createdAfter: value as CreatedAfterFilter })
        }
      />
      <FilterSelect
        id="notifications-filter-sort"
        label={t('filters.sortBy.label')}
        value={filters.sortBy}
        options={(['newest', 'oldest', 'topic', 'origin'] as const).map(id => ({
          id,
          label: t(`filters.sortBy.${id}`),
        }))}
        onChange={value => onChange({ sortBy: value as SortFilter })}
      />
      <FilterSelect
        id="notifications-filter-severity"
        label={t('filters.severity.label')}
        value={filters.minimumSeverity}
        options={notificationSeverities.map(severity => ({
          id: severity,
          label: t(`filters.severity.${severity}`),
        }))}
        onChange={value =>
          onChange({ minimumSeverity: value as NotificationSeverity })
        }
      />
      <FilterSelect
        id="notifications-filter-topic"
        label={t('filters.topic.label')}
        value={filters.topic ?? ANY}
        options={[
          { id: ANY, label: t('filters.topic.anyTopic') },
          ...sortedTopics.map(topic => ({ id: topic, label: topic })),
        ]}
        onChange={value =>
          onChange({ topic: value === ANY ? undefined : value })
        }
      />
      <FilterSelect
        id="notifications-filter-reason"
        label={t('filters.reason.label')}
        value={filters.reason ?? ANY}
        options={[
          { id: ANY, label: t('filters.reason.any') },
          ...notificationReasonTypes.map(reason => ({
            id: reason,
            label: t(`filters.reason.${reason}`),
          })),
        ]}
        onChange={value =>
          onChange({
            reason:
              value === ANY ? undefined : (value as NotificationReasonType),
          })
        }
      />
    </Flex>
  );
}
