import { parseEntityRef } from '@backstage/catalog-model';
import {
  NotificationRecipientResolver,
  NotificationRecipientResolverOptions,
} from '@herald/plugin-notifications-node';

/**
 * Resolves recipients without the catalog: user refs are kept, refs of other
 * kinds reach nobody. Throws for a ref that cannot be parsed.
 */
export class UserRefRecipientResolver implements NotificationRecipientResolver {
  async resolveNotificationRecipients(
    options: NotificationRecipientResolverOptions,
  ): Promise<{ userEntityRefs: string[] }> {
    const excluded = new Set(options.excludedEntityRefs ?? []);
    const userEntityRefs = options.entityRefs.filter(ref => {
      const { kind } = parseEntityRef(ref);
      return kind.toLocaleLowerCase('en-US') === 'user' && !excluded.has(ref);
    });
    return { userEntityRefs };
  }
}
