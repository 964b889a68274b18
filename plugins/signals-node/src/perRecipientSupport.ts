import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';

/**
 * Whether the signals backend running in this backend merges `perRecipient`
 * itself. Publishers cannot see who consumes the `signals` events topic; an
 * upstream signals backend delivers `message` unchanged, so the per-user part
 * would be lost. The Herald signals backend announces itself here once it
 * consumes the topic, and until then publishers send each user a complete
 * message.
 *
 * @public
 */
export interface PerRecipientSupportService {
  /** Called by a signals backend that merges `perRecipient` into `message`. */
  announce(): void;
  isAnnounced(): boolean;
}

/**
 * Root-scoped, so the signals backend and every publishing plugin of one
 * backend share it.
 *
 * @public
 */
export const perRecipientSupportServiceRef =
  createServiceRef<PerRecipientSupportService>({
    id: 'herald.signals.perRecipientSupport',
    scope: 'root',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: {},
        factory: () => {
          let announced = false;
          return {
            announce() {
              announced = true;
            },
            isAnnounced: () => announced,
          };
        },
      }),
  });
