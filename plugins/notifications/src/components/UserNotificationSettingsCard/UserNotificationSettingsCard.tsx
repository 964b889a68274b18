import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import {
  Alert,
  ButtonIcon,
  Card,
  CardBody,
  CardHeader,
  Skeleton,
  Switch,
  Text,
  Tooltip,
  TooltipTrigger,
} from '@backstage/ui';
import {
  isNotificationsEnabledFor,
  NotificationSettings,
} from '@herald/plugin-notifications-common';
import { RiArrowDownSLine, RiArrowUpSLine } from '@remixicon/react';
import {
  CSSProperties,
  Fragment,
  ReactNode,
  useEffect,
  useRef,
  useState,
} from 'react';
import { notificationsApiRef } from '../../api';
import { useNotificationsApi } from '../../hooks/useNotificationsApi';
import { notificationsTranslationRef } from '../../translation';
import { EmailDigestSetting } from './EmailDigestSetting';
import {
  collectOrigins,
  displayName,
  OriginRow,
  setOriginEnabled,
  setTopicEnabled,
} from './settingsChanges';
import { useAlertingSave } from './useAlertingSave';

/** @public */
export type UserNotificationSettingsCardProps = {
  originNames?: Record<string, string>;
  topicNames?: Record<string, string>;
};

/**
 * Below this width per channel (plus room for the names) the grid no longer
 * fits, and the card lists each origin with its switches instead.
 */
const WIDTH_PER_CHANNEL = 110;
const WIDTH_OF_NAMES = 240;

/**
 * Whether the element is narrower than `minWidth`; measured, since the card
 * may sit in a narrow column of a wide page.
 */
function useNarrowerThan(minWidth: number) {
  const ref = useRef<HTMLDivElement>(null);
  const [narrow, setNarrow] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === 'undefined') {
      return undefined;
    }
    const observer = new ResizeObserver(([entry]) =>
      setNarrow(entry.contentRect.width < minWidth),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [minWidth]);
  return { ref, narrow };
}

const cellStyle: CSSProperties = {
  padding: 'var(--bui-space-1) var(--bui-space-2)',
  borderBottom: '1px solid var(--bui-border-1)',
  textAlign: 'left',
  verticalAlign: 'middle',
};
const switchCellStyle: CSSProperties = { ...cellStyle, textAlign: 'center' };

function SettingsFrame(props: { title: string; children: ReactNode }) {
  return (
    <Card>
      <CardHeader>
        <Text as="h2" variant="title-x-small" weight="bold">
          {props.title}
        </Text>
      </CardHeader>
      <CardBody>{props.children}</CardBody>
    </Card>
  );
}

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
  const { value, loading, error } = useNotificationsApi(a =>
    a.getNotificationSettings(),
  );
  // What the last save returned, until the settings are loaded again. Read
  // together with the loaded value in the same render, so the card never
  // shows "no settings" for the render between loading and an effect.
  const [saved, setSaved] = useState<NotificationSettings>();
  const settings = saved ?? value;
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const { saving, runSave } = useAlertingSave(e =>
    t('settings.errors.saveFailed', { message: e.message }),
  );
  const channelCount = settings?.channels.length ?? 0;
  const { ref, narrow } = useNarrowerThan(
    WIDTH_OF_NAMES + WIDTH_PER_CHANNEL * channelCount,
  );

  useEffect(() => setSaved(undefined), [value]);

  const save = (next: NotificationSettings) =>
    runSave(async () => setSaved(await api.updateNotificationSettings(next)));

  const title = t('settings.title');
  if (loading && !settings) {
    return (
      <SettingsFrame title={title}>
        <Skeleton width="100%" height={96} />
      </SettingsFrame>
    );
  }
  if (error) {
    return (
      <Alert
        status="danger"
        icon
        title={t('settings.errorTitle')}
        description={error.message}
      />
    );
  }
  if (!settings || settings.channels.length === 0) {
    return (
      <SettingsFrame title={title}>
        <Text as="p">{t('settings.noSettingsAvailable')}</Text>
      </SettingsFrame>
    );
  }

  const channels = settings.channels.map(channel => channel.id);
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

  /** The switch of one channel for an origin (topic null) or a topic. */
  const settingSwitch = (
    channel: string,
    origin: OriginRow,
    topic: string | null,
    visibleLabel?: string,
  ) => {
    const originName = displayName(origin.id, originNames);
    const originOn = isNotificationsEnabledFor(
      settings,
      channel,
      origin.id,
      null,
    );
    return (
      <Switch
        label={visibleLabel}
        aria-label={
          topic === null
            ? t('settings.table.originSwitch', {
                channel,
                origin: originName,
              })
            : t('settings.table.topicSwitch', {
                channel,
                origin: originName,
                topic: displayName(topic, topicNames),
              })
        }
        isSelected={
          topic === null
            ? originOn
            : isNotificationsEnabledFor(settings, channel, origin.id, topic)
        }
        // A topic cannot be turned on while its origin is off.
        isDisabled={saving || (topic !== null && !originOn)}
        onChange={on =>
          save(
            topic === null
              ? setOriginEnabled(settings, channel, origin.id, on)
              : setTopicEnabled(settings, channel, origin.id, topic, on),
          )
        }
      />
    );
  };

  /** Every channel's switch for an origin or a topic, named by channel. */
  const labelledSwitches = (origin: OriginRow, topic: string | null) => (
    <SwitchGroup>
      {channels.map(channel => (
        <Fragment key={channel}>
          {settingSwitch(channel, origin, topic, channel)}
        </Fragment>
      ))}
    </SwitchGroup>
  );

  const expandButton = (origin: OriginRow) => {
    if (origin.topics.length === 0) {
      return null;
    }
    const label = t('settings.table.showTopics', {
      origin: displayName(origin.id, originNames),
    });
    const isExpanded = expanded.has(origin.id);
    return (
      <TooltipTrigger>
        <ButtonIcon
          size="small"
          variant="tertiary"
          aria-label={label}
          aria-expanded={isExpanded}
          icon={isExpanded ? <RiArrowUpSLine /> : <RiArrowDownSLine />}
          onPress={() => toggleExpanded(origin.id)}
        />
        <Tooltip>{label}</Tooltip>
      </TooltipTrigger>
    );
  };

  const grid = (
    <table
      aria-label={title}
      style={{ width: '100%', borderCollapse: 'collapse' }}
    >
      <thead>
        <tr>
          <td style={cellStyle} />
          <th scope="col" style={cellStyle}>
            {t('settings.table.origin')}
          </th>
          <th scope="col" style={cellStyle}>
            {t('settings.table.topic')}
          </th>
          {channels.map(channel => (
            <th key={channel} scope="col" style={switchCellStyle}>
              {channel}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {origins.map(origin => (
          <Fragment key={origin.id}>
            <tr>
              <td style={cellStyle}>{expandButton(origin)}</td>
              <td style={cellStyle}>{displayName(origin.id, originNames)}</td>
              <td style={cellStyle}>{t('settings.table.allTopics')}</td>
              {channels.map(channel => (
                <td key={channel} style={switchCellStyle}>
                  {settingSwitch(channel, origin, null)}
                </td>
              ))}
            </tr>
            {expanded.has(origin.id) &&
              origin.topics.map(topic => (
                <tr key={`${origin.id}/${topic}`}>
                  <td style={cellStyle} />
                  <td style={cellStyle} />
                  <td style={cellStyle}>{displayName(topic, topicNames)}</td>
                  {channels.map(channel => (
                    <td key={channel} style={switchCellStyle}>
                      {settingSwitch(channel, origin, topic)}
                    </td>
                  ))}
                </tr>
              ))}
          </Fragment>
        ))}
      </tbody>
    </table>
  );

  // On a narrow card each origin is a group of labelled switches, its
  // topics below it, rather than a grid squeezed into columns of letters.
  const list = (
    <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {origins.map(origin => (
        <li
          key={origin.id}
          style={{
            padding: 'var(--bui-space-2) 0',
            borderBottom: '1px solid var(--bui-border-1)',
          }}
          data-testid="settings-origin"
        >
          <div style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
            <Text as="h3" variant="body-medium" weight="bold">
              {displayName(origin.id, originNames)}
            </Text>
            {expandButton(origin)}
          </div>
          {labelledSwitches(origin, null)}
          {expanded.has(origin.id) &&
            origin.topics.map(topic => (
              <div
                key={topic}
                style={{ paddingInlineStart: 'var(--bui-space-4)' }}
              >
                <Text as="h4" variant="body-medium">
                  {displayName(topic, topicNames)}
                </Text>
                {labelledSwitches(origin, topic)}
              </div>
            ))}
        </li>
      ))}
    </ul>
  );

  return (
    <SettingsFrame title={title}>
      <div ref={ref} data-layout={narrow ? 'list' : 'grid'}>
        {narrow ? list : grid}
      </div>
      {channels.includes('Email') && <EmailDigestSetting />}
    </SettingsFrame>
  );
}

function SwitchGroup(props: { children: ReactNode }) {
  return (
    <div
      style={{
        display: 'flex',
        flexWrap: 'wrap',
        gap: 'var(--bui-space-2) var(--bui-space-4)',
        padding: 'var(--bui-space-1) 0',
      }}
    >
      {props.children}
    </div>
  );
}
