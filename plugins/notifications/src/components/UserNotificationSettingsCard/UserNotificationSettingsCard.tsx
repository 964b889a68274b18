import { ErrorPanel, InfoCard, Progress } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import {
  isNotificationsEnabledFor,
  NotificationSettings,
} from '@herald/plugin-notifications-common';
import IconButton from '@material-ui/core/IconButton';
import Switch from '@material-ui/core/Switch';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import ExpandLess from '@material-ui/icons/ExpandLess';
import ExpandMore from '@material-ui/icons/ExpandMore';
import { Fragment, useEffect, useState } from 'react';
import { notificationsApiRef } from '../../api';
import { useNotificationsApi } from '../../hooks/useNotificationsApi';
import { notificationsTranslationRef } from '../../translation';
import { EmailDigestSetting } from './EmailDigestSetting';
import {
  collectOrigins,
  displayName,
  setOriginEnabled,
  setTopicEnabled,
} from './settingsChanges';

/** @public */
export type UserNotificationSettingsCardProps = {
  originNames?: Record<string, string>;
  topicNames?: Record<string, string>;
};

/**
 * Lets the user switch notifications per channel, origin and topic.
 * @public
 */
export function UserNotificationSettingsCard(
  props: UserNotificationSettingsCardProps,
) {
  const { originNames, topicNames } = props;
  const { t } = useTranslationRef(notificationsTranslationRef);
  const api = useApi(notificationsApiRef);
  const alertApi = useApi(alertApiRef);
  const { value, loading, error } = useNotificationsApi(a =>
    a.getNotificationSettings(),
  );
  const [settings, setSettings] = useState<NotificationSettings>();
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [saving, setSaving] = useState(false);

  useEffect(() => setSettings(value), [value]);

  const save = async (next: NotificationSettings) => {
    setSaving(true);
    try {
      setSettings(await api.updateNotificationSettings(next));
    } catch (e) {
      alertApi.post({
        message: t('settings.errors.saveFailed', { message: e.message }),
        severity: 'error',
      });
    } finally {
      setSaving(false);
    }
  };

  const title = t('settings.title');
  if (loading && !settings) {
    return (
      <InfoCard title={title}>
        <Progress />
      </InfoCard>
    );
  }
  if (error) {
    return <ErrorPanel title={t('settings.errorTitle')} error={error} />;
  }
  if (!settings || settings.channels.length === 0) {
    return (
      <InfoCard title={title}>
        <Typography>{t('settings.noSettingsAvailable')}</Typography>
      </InfoCard>
    );
  }

  const origins = collectOrigins(settings);
  const toggleExpanded = (originId: string) =>
    setExpanded(previous => {
      const next = new Set(previous);
      if (next.has(originId)) {
        next.delete(originId);
      } else {
        next.add(originId);
      }
      return next;
    });

  return (
    <InfoCard title={title}>
      <Table size="small" aria-label={title}>
        <TableHead>
          <TableRow>
            <TableCell />
            <TableCell>{t('settings.table.origin')}</TableCell>
            <TableCell>{t('settings.table.topic')}</TableCell>
            {settings.channels.map(channel => (
              <TableCell key={channel.id} align="center">
                {channel.id}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {origins.map(origin => {
            const originName = displayName(origin.id, originNames);
            const isExpanded = expanded.has(origin.id);
            return (
              <Fragment key={origin.id}>
                <TableRow>
                  <TableCell padding="checkbox">
                    {origin.topics.length > 0 && (
                      <Tooltip
                        title={t('settings.table.showTopics', {
                          origin: originName,
                        })}
                      >
                        <IconButton
                          size="small"
                          aria-label={t('settings.table.showTopics', {
                            origin: originName,
                          })}
                          onClick={() => toggleExpanded(origin.id)}
                        >
                          {isExpanded ? <ExpandLess /> : <ExpandMore />}
                        </IconButton>
                      </Tooltip>
                    )}
                  </TableCell>
                  <TableCell>{originName}</TableCell>
                  <TableCell>{t('settings.table.allTopics')}</TableCell>
                  {settings.channels.map(channel => {
                    const checked = isNotificationsEnabledFor(
                      settings,
                      channel.id,
                      origin.id,
                      null,
                    );
                    return (
                      <TableCell key={channel.id} align="center">
                        <Switch
                          color="primary"
                          checked={checked}
                          disabled={saving}
                          inputProps={{
                            'aria-label': t('settings.table.originSwitch', {
                              channel: channel.id,
                              origin: originName,
                            }),
                          }}
                          onChange={(_event, on) =>
                            save(
                              setOriginEnabled(
                                settings,
                                channel.id,
                                origin.id,
                                on,
                              ),
                            )
                          }
                        />
                      </TableCell>
                    );
                  })}
                </TableRow>
                {isExpanded &&
                  origin.topics.map(topic => {
                    const topicName = displayName(topic, topicNames);
                    return (
                      <TableRow key={`${origin.id}/${topic}`}>
                        <TableCell />
                        <TableCell />
                        <TableCell>{topicName}</TableCell>
                        {settings.channels.map(channel => (
                          <TableCell key={channel.id} align="center">
                            <Switch
                              color="primary"
                              size="small"
                              checked={isNotificationsEnabledFor(
                                settings,
                                channel.id,
                                origin.id,
                                topic,
                              )}
                              disabled={
                                saving ||
                                !isNotificationsEnabledFor(
                                  settings,
                                  channel.id,
                                  origin.id,
                                  null,
                                )
                              }
                              inputProps={{
                                'aria-label': t('settings.table.topicSwitch', {
                                  channel: channel.id,
                                  origin: originName,
                                  topic: topicName,
                                }),
                              }}
                              onChange={(_event, on) =>
                                save(
                                  setTopicEnabled(
                                    settings,
                                    channel.id,
                                    origin.id,
                                    topic,
                                    on,
                                  ),
                                )
                              }
                            />
                          </TableCell>
                        ))}
                      </TableRow>
                    );
                  })}
              </Fragment>
            );
          })}
        </TableBody>
      </Table>
      {settings.channels.some(channel => channel.id === 'Email') && (
        <EmailDigestSetting />
      )}
    </InfoCard>
  );
}
