import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { ResponseError } from '@backstage/errors';
import { Box, Select, Text } from '@backstage/ui';
import { useEffect, useState } from 'react';
import { notificationsTranslationRef } from '../../translation';
import { secondaryTextColor } from '../NotificationContent';
import { useAlertingSave } from './useAlertingSave';

const frequencies = ['instant', 'hourly', 'daily'] as const;
type Frequency = (typeof frequencies)[number];

/**
 * The user's choice of instant, hourly or daily email, served by the email
 * module at `/email/digest` of the notifications backend. Renders nothing
 * when that module is not installed (the route answers 404).
 */
export function EmailDigestSetting() {
  const { t } = useTranslationRef(notificationsTranslationRef);
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const [frequency, setFrequency] = useState<Frequency>();
  const { saving, runSave } = useAlertingSave(e =>
    t('settings.emailDigest.saveFailed', { message: e.message }),
  );

  const call = async (init?: RequestInit) => {
    const baseUrl = await discoveryApi.getBaseUrl('notifications');
    return fetchApi.fetch(`${baseUrl}/email/digest`, init);
  };

  useEffect(() => {
    let cancelled = false;
    call()
      .then(async response =>
        response.ok ? (await response.json()).frequency : undefined,
      )
      .then(value => !cancelled && setFrequency(value))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
    // Loaded once; the discovery and fetch APIs do not change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  if (!frequency) {
    return null;
  }

  const choose = (next: Frequency) =>
    runSave(async () => {
      const response = await call({
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ frequency: next }),
      });
      if (!response.ok) {
        throw await ResponseError.fromResponse(response);
      }
      setFrequency((await response.json()).frequency);
    });

  return (
    <Box mt="4" style={{ maxWidth: 320 }}>
      <Select
        size="medium"
        label={t('settings.emailDigest.label')}
        isDisabled={saving}
        options={frequencies.map(value => ({
          value,
          label: t(`settings.emailDigest.${value}`),
        }))}
        value={frequency}
        onChange={value => choose(value as Frequency)}
      />
      {/* Below the field rather than as its description: Backstage UI's
          description grey is under 4.5:1 on a dark card. */}
      <Text
        as="p"
        variant="body-small"
        style={{ color: secondaryTextColor, marginTop: 'var(--bui-space-1)' }}
      >
        {t('settings.emailDigest.criticalNote')}
      </Text>
    </Box>
  );
}
