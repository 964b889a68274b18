import { RootConfigService } from '@backstage/backend-plugin-api';
import { EntityStateChange } from './EntityStateStore';

/** Whether owners hear of one kind of change, and the topic they can mute. */
export type ChangeSettings = { enabled: boolean; topic: string };

export type CatalogNotificationsConfig = Record<
  EntityStateChange,
  ChangeSettings
>;

const DEFAULT_TOPICS: Record<EntityStateChange, string> = {
  discovered: 'catalog-entity-discovered',
  processingFailed: 'catalog-entity-processing-failed',
  processingRecovered: 'catalog-entity-processing-recovered',
};

export function readCatalogNotificationsConfig(
  config: RootConfigService,
): CatalogNotificationsConfig {
  const section = config.getOptionalConfig('catalog.notifications');
  const read = (change: EntityStateChange): ChangeSettings => ({
    enabled: section?.getOptionalBoolean(`${change}.enabled`) ?? true,
    topic:
      section?.getOptionalString(`${change}.topic`) ?? DEFAULT_TOPICS[change],
  });
  return {
    discovered: read('discovered'),
    processingFailed: read('processingFailed'),
    processingRecovered: read('processingRecovered'),
  };
}
