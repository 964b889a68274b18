import { DatabaseService } from '@backstage/backend-plugin-api';
import { migrateModuleDatabase } from '@herald/plugin-notifications-node';
import { Knex } from 'knex';

const TABLE = 'herald_catalog_entity_state';
/** Kept apart from the catalog's own migration history. */
const MIGRATIONS_TABLE = 'herald_catalog_notifications_knex_migrations';
const CHUNK_SIZE = 500;

/** A change of an entity's state that its owners are told about. */
export type EntityStateChange =
  | 'discovered'
  | 'processingFailed'
  | 'processingRecovered';

/**
 * The state of each entity as its owners last heard it, in the catalog's
 * database. Every transition is a conditional update, so when replicas race
 * for the same change exactly one of them sees it happen.
 */
export class EntityStateStore {
  /** Refs known to have a row; rows are never deleted. */
  private readonly known = new Set<string>();

  static async create(database: DatabaseService): Promise<EntityStateStore> {
    const knex = await migrateModuleDatabase(database, {
      packageName: '@herald/plugin-catalog-backend-module-notifications',
      migrationsTable: MIGRATIONS_TABLE,
    });
    return new EntityStateStore(knex);
  }

  private constructor(private readonly knex: Knex) {}

  /**
   * Makes sure each ref has a row. A ref without one is new to this module:
   * `alreadyInCatalog` tells which of those the catalog already holds, so
   * that installing the module does not announce every existing entity; it
   * answers with the refs it found, in any letter case.
   */
  async ensure(
    refs: string[],
    alreadyInCatalog: (refs: string[]) => Promise<string[]>,
  ): Promise<void> {
    const spelling = new Map(refs.map(ref => [key(ref), ref]));
    const unknown = [...spelling.keys()].filter(ref => !this.known.has(ref));
    for (let i = 0; i < unknown.length; i += CHUNK_SIZE) {
      const chunk = unknown.slice(i, i + CHUNK_SIZE);
      const rows: Array<{ entity_ref: string }> = await this.knex(TABLE)
        .select('entity_ref')
        .whereIn('entity_ref', chunk);
      const present = new Set(rows.map(row => row.entity_ref));
      const missing = chunk.filter(ref => !present.has(ref));
      if (missing.length > 0) {
        const existing = new Set(
          (await alreadyInCatalog(missing.map(ref => spelling.get(ref)!))).map(
            key,
          ),
        );
        await this.knex(TABLE)
          .insert(
            missing.map(ref => ({
              entity_ref: ref,
              discovered: existing.has(ref),
              failing: false,
            })),
          )
          .onConflict('entity_ref')
          .ignore();
      }
      chunk.forEach(ref => this.known.add(ref));
    }
  }

  /** Whether the ref has a row for sure, so {@link ensure} has nothing to do. */
  isKnown(ref: string): boolean {
    return this.known.has(key(ref));
  }

  /** The entity processed without errors; call {@link ensure} first. */
  async succeeded(ref: string): Promise<EntityStateChange | undefined> {
    // A first success is a discovery, even after failing runs before it.
    const discovered = await this.knex(TABLE)
      .where({ entity_ref: key(ref), discovered: false })
      .update({ discovered: true, failing: false });
    if (discovered === 1) {
      return 'discovered';
    }
    const recovered = await this.knex(TABLE)
      .where({ entity_ref: key(ref), failing: true })
      .update({ failing: false });
    return recovered === 1 ? 'processingRecovered' : undefined;
  }

  /** The entity's processing had errors; call {@link ensure} first. */
  async failed(ref: string): Promise<EntityStateChange | undefined> {
    const changed = await this.knex(TABLE)
      .where({ entity_ref: key(ref), failing: false })
      .update({ failing: true });
    return changed === 1 ? 'processingFailed' : undefined;
  }
}

function key(ref: string): string {
  return ref.toLocaleLowerCase('en-US');
}
