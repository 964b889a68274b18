import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import {
  NotificationSeverity,
  notificationSeverities,
} from '@herald/plugin-notifications-common';
import FormControl from '@material-ui/core/FormControl';
import Grid from '@material-ui/core/Grid';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import { notificationsTranslationRef } from '../../translation';
import {
  CreatedAfterFilter,
  NotificationsFilters,
  SortFilter,
  ViewFilter,
} from './filters';

const ANY_TOPIC = '___any_topic___';

function FilterSelect(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  children: ReactNode;
}) {
  return (
    <Grid item xs={12}>
      <FormControl fullWidth variant="outlined" size="small">
        <InputLabel id={`${props.id}-label`}>{props.label}</InputLabel>
        <Select
          labelId={`${props.id}-label`}
          id={props.id}
          label={props.label}
          value={props.value}
          onChange={event => props.onChange(event.target.value as string)}
        >
          {props.children}
        </Select>
      </FormControl>
    </Grid>
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
    <Grid container spacing={2}>
      <Grid item xs={12}>
        <Typography variant="h6">{t('filters.title')}</Typography>
      </Grid>
      <FilterSelect
        id="notifications-filter-view"
        label={t('filters.view.label')}
        value={filters.view}
        onChange={value => onChange({ view: value as ViewFilter })}
      >
        <MenuItem value="unread">{t('filters.view.unread')}</MenuItem>
        <MenuItem value="read">{t('filters.view.read')}</MenuItem>
        <MenuItem value="saved">{t('filters.view.saved')}</MenuItem>
        <MenuItem value="all">{t('filters.view.all')}</MenuItem>
      </FilterSelect>
      <FilterSelect
        id="notifications-filter-created"
        label={t('filters.createdAfter.label')}
        value={filters.createdAfter}
        onChange={value =>
          onChange({ createdAfter: value as CreatedAfterFilter })
        }
      >
        <MenuItem value="last24h">{t('filters.createdAfter.last24h')}</MenuItem>
        <MenuItem value="lastWeek">
          {t('filters.createdAfter.lastWeek')}
        </MenuItem>
        <MenuItem value="anyTime">{t('filters.createdAfter.anyTime')}</MenuItem>
      </FilterSelect>
      <FilterSelect
        id="notifications-filter-sort"
        label={t('filters.sortBy.label')}
        value={filters.sortBy}
        onChange={value => onChange({ sortBy: value as SortFilter })}
      >
        <MenuItem value="newest">{t('filters.sortBy.newest')}</MenuItem>
        <MenuItem value="oldest">{t('filters.sortBy.oldest')}</MenuItem>
        <MenuItem value="topic">{t('filters.sortBy.topic')}</MenuItem>
        <MenuItem value="origin">{t('filters.sortBy.origin')}</MenuItem>
      </FilterSelect>
      <FilterSelect
        id="notifications-filter-severity"
        label={t('filters.severity.label')}
        value={filters.minimumSeverity}
        onChange={value =>
          onChange({
            minimumSeverity: (value || 'normal') as NotificationSeverity,
          })
        }
      >
        {notificationSeverities.map(severity => (
          <MenuItem key={severity} value={severity}>
            {t(`filters.severity.${severity}`)}
          </MenuItem>
        ))}
      </FilterSelect>
      <FilterSelect
        id="notifications-filter-topic"
        label={t('filters.topic.label')}
        value={filters.topic ?? ANY_TOPIC}
        onChange={value =>
          onChange({ topic: value === ANY_TOPIC ? undefined : value })
        }
      >
        <MenuItem value={ANY_TOPIC}>{t('filters.topic.anyTopic')}</MenuItem>
        {sortedTopics.map(topic => (
          <MenuItem key={topic} value={topic}>
            {topic}
          </MenuItem>
        ))}
      </FilterSelect>
    </Grid>
  );
}
