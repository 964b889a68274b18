import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  Notification,
  NotificationSendOptions,
} from '@herald/plugin-notifications-common';
import {
  TEAMS_WEBHOOK_ANNOTATION,
  TeamsConfig,
  annotationUrlProblem,
  routeMatches,
} from './config';

/** A channel a card goes to; `label` names it in logs, never the secret URL. */
export type TeamsTarget = { label: string; url: string };

/** Sends whose entity lookups are kept, since every recipient's job asks. */
const LOOKUP_CACHE_SIZE = 64;
const LOOKUP_CACHE_TTL_MS = 60_000;

function toArray(value: string | string[] | undefined): string[] {
  if (value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/**
 * Finds the Teams channels of a notification: the routes whose filters take
 * it, and, when entity webhooks are on, the annotated entities the send was
 * addressed to. A channel reached both ways gets one card.
 */
export class TeamsTargets {
  private readonly lookups = new Map<
    string,
    { at: number; targets: Promise<TeamsTarget[]> }
  >();

  constructor(
    private readonly options: {
      config: TeamsConfig;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
    },
  ) {}

  async resolve(
    notification: Notification,
    options: NotificationSendOptions,
    sendKey: string,
  ): Promise<TeamsTarget[]> {
    const targets = this.options.config.routes
      .filter(route => routeMatches(route, notification))
      .map(route => ({ label: route.name, url: route.webhookUrl }));
    if (
      this.options.config.annotationHosts.length > 0 &&
      options.recipients.type === 'entity'
    ) {
      targets.push(...(await this.annotated(options, sendKey)));
    }
    const seen = new Set<string>();
    return targets.filter(target => {
      if (seen.has(target.url)) {
        return false;
      }
      seen.add(target.url);
      return true;
    });
  }

  private annotated(
    options: NotificationSendOptions,
    sendKey: string,
  ): Promise<TeamsTarget[]> {
    const now = Date.now();
    const cached = this.lookups.get(sendKey);
    if (cached && now - cached.at < LOOKUP_CACHE_TTL_MS) {
      return cached.targets;
    }
    const targets = this.lookUp(options);
    // A failed lookup is not kept: the retry asks the catalog again.
    targets.catch(() => this.lookups.delete(sendKey));
    this.lookups.set(sendKey, { at: now, targets });
    for (const key of this.lookups.keys()) {
      if (this.lookups.size <= LOOKUP_CACHE_SIZE) {
        break;
      }
      this.lookups.delete(key);
    }
    return targets;
  }

  private async lookUp(
    options: NotificationSendOptions,
  ): Promise<TeamsTarget[]> {
    const recipients = options.recipients as Extract<
      NotificationSendOptions['recipients'],
      { type: 'entity' }
    >;
    const excluded = new Set(toArray(recipients.excludeEntityRef));
    const entityRefs = toArray(recipients.entityRef).filter(
      ref => !excluded.has(ref),
    );
    if (entityRefs.length === 0) {
      return [];
    }
    const { items } = await this.options.catalog.getEntitiesByRefs(
      {
        entityRefs,
        fields: [
          'kind',
          'metadata.namespace',
          'metadata.name',
          'metadata.annotations',
        ],
      },
      { credentials: await this.options.auth.getOwnServiceCredentials() },
    );
    const targets: TeamsTarget[] = [];
    for (const entity of items) {
      const url = entity?.metadata.annotations?.[TEAMS_WEBHOOK_ANNOTATION];
      if (!entity || !url) {
        continue;
      }
      const ref = stringifyEntityRef(entity);
      const problem = annotationUrlProblem(
        url,
        this.options.config.annotationHosts,
      );
      if (problem) {
        this.options.logger.warn(
          `Not posting to the Teams webhook of ${ref}: ${problem}`,
        );
        continue;
      }
      targets.push({ label: ref, url: url.trim() });
    }
    return targets;
  }
}
