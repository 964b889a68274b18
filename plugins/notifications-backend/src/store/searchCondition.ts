import { Knex } from 'knex';

/**
 * The search tables of SQLite databases (migration `20261203g_search_index`),
 * per database handle. Not every SQLite build can create them, and a query
 * is built synchronously, so they are looked up once the schema is known.
 */
const sqliteSearchTables = new WeakMap<Knex, ReadonlySet<string>>();

const searchTableOf = (table: string) => `${table}_search`;

/** Looks up which search tables the database has; call after migrating. */
export async function findSearchIndexes(knex: Knex): Promise<void> {
  if (!String(knex.client.config.client).includes('sqlite')) {
    return;
  }
  const names: string[] = await knex('sqlite_master')
    .where('type', 'table')
    .whereIn('name', ['notification', 'broadcast'].map(searchTableOf))
    .pluck('name');
  sqliteSearchTables.set(knex, new Set(names));
}

/** `!` escapes LIKE wildcards; unlike a backslash it means the same in every dialect's string literals. */
function containsPattern(search: string): string {
  return `%${search.replace(/[!%_]/g, match => `!${match}`)}%`;
}

/** The term as one FTS5 phrase, matched as a whole with its quotes doubled. */
function ftsPhrase(search: string): string {
  return `"${search.replace(/"/g, '""')}"`;
}

/** A trigram index knows no shorter strings. */
const MIN_INDEXED_CHARACTERS = 3;

/**
 * Limits `query` to rows of `table` whose title or description contains
 * `search`, ignoring case, with `%`, `_` and `!` taken literally.
 *
 * PostgreSQL's trigram indexes are on exactly the expressions compared here,
 * so the planner uses them when they exist. On SQLite a search table, where
 * there is one, picks the candidate rows for terms long enough, and the
 * comparison still decides: the index folds case beyond ASCII, which SQLite's
 * LOWER and LIKE do not, so it may offer rows that do not match.
 */
export function whereSearchMatches(
  query: Knex.QueryBuilder,
  knex: Knex,
  table: string,
  search: string,
): void {
  const searchTable = searchTableOf(table);
  if (
    Array.from(search).length >= MIN_INDEXED_CHARACTERS &&
    sqliteSearchTables.get(knex)?.has(searchTable)
  ) {
    query.whereIn(
      `${table}.rowid`,
      knex(searchTable)
        .select('rowid')
        .whereRaw('?? MATCH ?', [searchTable, ftsPhrase(search)]),
    );
  }
  const pattern = containsPattern(search);
  query.where(inner =>
    inner
      .whereRaw(`LOWER(??) LIKE LOWER(?) ESCAPE '!'`, [
        `${table}.title`,
        pattern,
      ])
      .orWhereRaw(`LOWER(??) LIKE LOWER(?) ESCAPE '!'`, [
        `${table}.description`,
        pattern,
      ]),
  );
}
