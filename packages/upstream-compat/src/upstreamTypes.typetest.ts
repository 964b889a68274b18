// Compiled by `yarn tsc` only, never run. Each constant holds 'ok' only when
// the upstream type (U*) can be used where Herald's (H*) is expected, and for
// `Both` also the other way round; anything else is a type error.
import type * as UC from '@backstage/plugin-notifications-common';
import type * as HC from '@herald/plugin-notifications-common';
import type * as UN from '@backstage/plugin-notifications-node';
import type * as HN from '@herald/plugin-notifications-node';
import type * as USN from '@backstage/plugin-signals-node';
import type * as HSN from '@herald/plugin-signals-node';
import type * as USR from '@backstage/plugin-signals-react';
import type * as HSR from '@herald/plugin-signals-react';
import type * as UF from '@backstage/plugin-notifications';
import type * as HF from '@herald/plugin-notifications';
import type * as US from '@backstage/plugin-signals';
import type * as HS from '@herald/plugin-signals';

type To<A, B> = [A] extends [B] ? 'ok' : 'no';
type Both<A, B> = [To<A, B>, To<B, A>];
const ok2: ['ok', 'ok'] = ['ok', 'ok'];
const ok1 = 'ok' as const;

// common
export const c1: Both<UC.Notification, HC.Notification> = ok2;
export const c2: Both<UC.NotificationPayload, HC.NotificationPayload> = ok2;
export const c3: Both<UC.NotificationStatus, HC.NotificationStatus> = ok2;
export const c4: Both<UC.NotificationSettings, HC.NotificationSettings> = ok2;
export const c5: To<UC.NotificationSignal, HC.NotificationSignal> = ok1;
// Herald's done and snooze signals are additions upstream code never sees
// typed; every other signal is still one upstream's type describes.
export const c5b: To<
  Exclude<
    HC.NotificationSignal,
    HC.NotificationDoneSignal | HC.NotificationSnoozedSignal
  >,
  UC.NotificationSignal
> = ok1;
export const c6: Both<
  UC.NotificationProcessorFilters,
  HC.NotificationProcessorFilters
> = ok2;
export const c7: Both<UC.NotificationSeverity, HC.NotificationSeverity> = ok2;
export const c8: Both<
  typeof UC.isNotificationsEnabledFor,
  typeof HC.isNotificationsEnabledFor
> = ok2;
export const c9: Both<
  typeof UC.getProcessorFiltersFromConfig,
  typeof HC.getProcessorFiltersFromConfig
> = ok2;
// node
export const n1: Both<UN.NotificationSendOptions, HN.NotificationSendOptions> =
  ok2;
export const n2: Both<UN.NotificationService, HN.NotificationService> = ok2;
export const n3: To<UN.NotificationProcessor, HN.NotificationProcessor> = ok1;
export const n3b: To<HN.NotificationProcessor, UN.NotificationProcessor> = ok1;
export const n4: Both<
  UN.NotificationServiceOptions,
  HN.NotificationServiceOptions
> = ok2;
export const n5: To<
  UN.NotificationsProcessingExtensionPoint,
  HN.NotificationsProcessingExtensionPoint
> = ok1;
export const n5b: To<
  HN.NotificationsProcessingExtensionPoint,
  UN.NotificationsProcessingExtensionPoint
> = ok1;
export const n6: Both<
  UN.NotificationRecipientResolver,
  HN.NotificationRecipientResolver
> = ok2;
export const n7: Both<
  typeof UN.resolveNotificationLink,
  typeof HN.resolveNotificationLink
> = ok2;
// signals node
export const s1: Both<USN.SignalsService, HSN.SignalsService> = ok2;
export const s2: Both<USN.SignalPayload, HSN.SignalPayload> = ok2;
export const s3: Both<USN.SignalsServiceOptions, HSN.SignalsServiceOptions> =
  ok2;
// signals react
export const r1: Both<USR.SignalApi, HSR.SignalApi> = ok2;
export const r2: Both<typeof USR.useSignal, typeof HSR.useSignal> = ok2;
// signals frontend
export const f1: To<HS.SignalClient, USR.SignalApi> = ok1;
export const f2: To<
  Parameters<typeof US.SignalClient.create>[0],
  Parameters<typeof HS.SignalClient.create>[0]
> = ok1;
// notifications frontend
export const a1: Both<UF.NotificationsApi, HF.NotificationsApi> = ok2;
export const a2: Both<UF.GetNotificationsOptions, HF.GetNotificationsOptions> =
  ok2;
export const a3: Both<
  UF.GetNotificationsResponse,
  HF.GetNotificationsResponse
> = ok2;
export const a4: Both<
  UF.UpdateNotificationsOptions,
  HF.UpdateNotificationsOptions
> = ok2;
export const a5: Both<UF.GetTopicsOptions, HF.GetTopicsOptions> = ok2;
export const p1: To<
  UF.NotificationsSideBarItemProps,
  HF.NotificationsSideBarItemProps
> = ok1;
export const p2: To<UF.NotificationsPageProps, HF.NotificationsPageProps> = ok1;
export const p3: To<UF.NotificationsTableProps, HF.NotificationsTableProps> =
  ok1;
export const p4: To<
  UF.NotificationSnackbarProperties,
  HF.NotificationSnackbarProperties
> = ok1;
export const p5: Both<
  UF.NotificationsRenderItemProps,
  HF.NotificationsRenderItemProps
> = ok2;
export const p6: To<
  Parameters<typeof UF.UserNotificationSettingsCard>[0],
  HF.UserNotificationSettingsCardProps
> = ok1;
export const p7: To<
  UF.NotificationDescriptionProps,
  HF.NotificationDescriptionProps
> = ok1;
export const p8: To<
  Parameters<typeof UF.useNotificationsApi>,
  Parameters<typeof HF.useNotificationsApi>
> = ok1;
