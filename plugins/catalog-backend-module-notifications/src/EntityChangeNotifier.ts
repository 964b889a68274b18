import { LoggerService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  NotificationRecipientResolver,
  NotificationService,
} from '@herald/plugin-notifications-node';
import { CatalogNotificationsConfig } from './config';
import { EntityStateChange, EntityStateStore } from './EntityStateStore';
import { Outcome } from './ProcessingOutcomes';

/**
 * How many batches a change waits for its owner to resolve to users: an
 * owner group discovered together with the entity is in the catalog only a
 * moment later.
 */
const OWNER_ATTEMPTS = 10;
const MAX_ERRORS_SHOWN = 3;

type Change = {
  change: EntityStateChange;
  entity: Entity;
  errors?: string[];
  attempts: number;
};

const WORDING: Record<
  EntityStateChange,
  { title: string; severity: 'normal' | 'high' | 'low' }
> = {
  discovered: { title: 'is new in the catalog', severity: 'normal' },
  processingFailed: { title: 'fails to process', severity: 'high' },
  processingRecovered: { title: 'processes again', severity: 'low' },
};

/** The owner of an entity as a full ref, as the catalog would relate it. */
export function ownerRefOf(entity: Entity): string | undefined {
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string' || !owner) {
    return undefined;
  }
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

function entityPath(entity: Entity): string {
  const { kind, metadata } = entity;
  return `/catalog/${encodeURIComponent(
    metadata.namespace ?? 'default',
  )}/${encodeURIComponent(
    kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(metadata.name)}`;
}

/**
 * Turns a batch of processing outcomes into state changes and tells each
 * changed entity's owners, one notification per entity and change. Owners
 * are expanded to users once per batch: a batch of a thousand entities of one
 * team costs one catalog lookup per level of the team, not one per entity.
 */
export class EntityChangeNotifier {
  private waiting: Change[] = [];

  constructor(
    private readonly options: {
      store: EntityStateStore;
      alreadyInCatalog: (refs: string[]) => Promise<string[]>;
      /** The catalog's entities of these refs, with their owners. */
      catalogEntities: (refs: string[]) => Promise<Entity[]>;
      resolver: NotificationRecipientResolver;
      notifications: NotificationService;
      config: CatalogNotificationsConfig;
      logger: LoggerService;
    },
  ) {}

  async handle(batch: { succeeded: Outcome[]; failed: Outcome[] }) {
    const { store, config } = this.options;
    const changes = this.waiting;
    this.waiting = [];
    for (const { ref, entity } of batch.succeeded) {
      const change = await store.succeeded(ref);
      if (change && entity) {
        changes.push({ change, entity, attempts: 0 });
      }
    }
    if (batch.failed.length > 0) {
      await store.ensure(
        batch.failed.map(outcome => outcome.ref),
        this.options.alreadyInCatalog,
      );
    }
    const unseen: Array<{ ref: string; errors?: string[] }> = [];
    for (const { ref, entity, errors } of batch.failed) {
      const change = await store.failed(ref);
      if (change && entity) {
        changes.push({ change, entity, errors, attempts: 0 });
      } else if (change) {
        unseen.push({ ref, errors });
      }
    }
    if (unseen.length > 0) {
      // Runs that failed before this module's processor saw the entity (an
      // earlier preprocessor threw): its owners are those of the catalog's
      // last good version of it, if there is one.
      const known = new Map(
        (await this.options.catalogEntities(unseen.map(u => u.ref))).map(e => [
          stringifyEntityRef(e).toLocaleLowerCase('en-US'),
          e,
        ]),
      );
      for (const { ref, errors } of unseen) {
        const entity = known.get(ref.toLocaleLowerCase('en-US'));
        if (entity) {
          changes.push({
            change: 'processingFailed',
            entity,
            errors,
            attempts: 0,
          });
        }
      }
    }

    const users = new Map<string, Promise<string[]>>();
    const usersOf = (owner: string) => {
      let resolved = users.get(owner);
      if (!resolved) {
        resolved = this.options.resolver
          .resolveNotificationRecipients({ entityRefs: [owner] })
          .then(result => result.userEntityRefs);
        users.set(owner, resolved);
      }
      return resolved;
    };

    for (const change of changes) {
      const settings = config[change.change];
      const owner = ownerRefOf(change.entity);
      if (!settings.enabled || !owner) {
        continue;
      }
      try {
        const recipients = await usersOf(owner);
        if (recipients.length === 0) {
          if (change.attempts + 1 < OWNER_ATTEMPTS) {
            this.waiting.push({ ...change, attempts: change.attempts + 1 });
          }
          continue;
        }
        await this.send(change, settings.topic, recipients);
      } catch (error) {
        this.options.logger.warn(
          `Failed to notify the owners of ${stringifyEntityRef(
            change.entity,
          )}: ${error}`,
        );
      }
    }
  }

  private async send(change: Change, topic: string, recipients: string[]) {
    const ref = stringifyEntityRef(change.entity);
    const { title, severity } = WORDING[change.change];
    const name = change.entity.metadata.title ?? change.entity.metadata.name;
    const errors = change.errors ?? [];
    const description =
      change.change === 'processingFailed' && errors.length > 0
        ? [
            ...errors.slice(0, MAX_ERRORS_SHOWN),
            ...(errors.length > MAX_ERRORS_SHOWN
              ? [`and ${errors.length - MAX_ERRORS_SHOWN} more`]
              : []),
          ].join('\n')
        : ref;
    await this.options.notifications.send({
      recipients: { type: 'entity', entityRef: recipients },
      payload: {
        title: `${change.entity.kind} ${name} ${title}`,
        description,
        link: entityPath(change.entity),
        severity,
        topic,
        scope: `catalog-${change.change}:${ref}`,
      },
    });
  }
}
