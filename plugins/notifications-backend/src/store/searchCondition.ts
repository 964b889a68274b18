import { Knex } from 'knex';

/** What of the search index a database has, per database handle. */
type SearchIndexes = {
  /** SQLite's FTS5 tables, of `20261203g_search_index` and `20261203j_search_texts`. */
  sqliteSearchTables: ReadonlySet<string>;
  /** Whether rows name their text in `notification_text` (`20261203j_search_texts`). */
  texts: boolean;
};

/**
 * Not every database can have the index, and a query is built synchronously,
 * so what it has is looked up once the schema is known.
 */
const searchIndexes = new WeakMap<Knex, SearchIndexes>();

export const TEXT_TABLE = 'notification_text';

const searchTableOf = (table: string) => `${table}_search`;

/** Looks up which search indexes the database has; call after migrating. */
export async function findSearchIndexes(knex: Knex): Promise<void> {
  const texts = await knex.schema.hasTable(TEXT_TABLE);
  const sqliteSearchTables = String(knex.client.config.client).includes(
    'sqlite',
  )
    ? await knex('sqlite_master')
        .where('type', 'table')
        .whereIn(
          'name',
          ['notification', 'broadcast', TEXT_TABLE].map(searchTableOf),
        )
        .pluck('name')
    : [];
  searchIndexes.set(knex, {
    sqliteSearchTables: new Set(sqliteSearchTables),
    texts,
  });
}

/**
 * Whether the writer should give a send's rows one text per distinct title
 * and description. Where it does not, rows of a database that has texts get
 * one each from a trigger.
 */
export function hasSearchTexts(knex: Knex): boolean {
  return searchIndexes.get(knex)?.texts ?? false;
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
 * there is one, picks the candidates for terms long enough, and the
 * comparison still decides: the index folds case beyond ASCII, which SQLite's
 * LOWER and LIKE do not, so it may offer rows that do not match. Where a
 * `notification` row names its text, the index is on the texts and the
 * candidates are `user`'s rows of matching texts.
 */
export function whereSearchMatches(
  query: Knex.QueryBuilder,
  knex: Knex,
  table: string,
  search: string,
  user?: string,
): void {
  const pattern = containsPattern(search);
  const contains = (columns: Knex.QueryBuilder, prefix: string) =>
    columns.where(inner =>
      inner
        .whereRaw(`LOWER(??) LIKE LOWER(?) ESCAPE '!'`, [
          `${prefix}.title`,
          pattern,
        ])
        .orWhereRaw(`LOWER(??) LIKE LOWER(?) ESCAPE '!'`, [
          `${prefix}.description`,
          pattern,
        ]),
    );
  const indexes = searchIndexes.get(knex);
  const indexable = Array.from(search).length >= MIN_INDEXED_CHARACTERS;
  if (indexable && indexes?.texts && table === 'notification' && user) {
    // The matching texts, then the user's rows of each through the
    // (text_id, user) index, named by row key so the planner starts from
    // them instead of reading every row of the user and testing each.
    const key = String(knex.client.config.client).includes('sqlite')
      ? 'rowid'
      : 'id';
    query.whereIn(`${table}.${key}`, rows => {
      rows
        .select(`n.${key}`)
        .from(`${TEXT_TABLE} as t`)
        .join(`${table} as n`, 'n.text_id', 't.id')
        .where('n.user', user);
      whereIndexed(rows, indexes, TEXT_TABLE, 't', search);
      contains(rows, 't');
    });
  } else if (indexable && indexes) {
    whereIndexed(query, indexes, table, table, search);
  }
  contains(query, table);
}

/** On SQLite, limits `query` to the rows whose entry in the search table matches. */
function whereIndexed(
  query: Knex.QueryBuilder,
  indexes: SearchIndexes,
  table: string,
  alias: string,
  search: string,
) {
  const searchTable = searchTableOf(table);
  if (indexes.sqliteSearchTables.has(searchTable)) {
    query.whereIn(`${alias}.rowid`, matches =>
      matches
        .select('rowid')
        .from(searchTable)
        .whereRaw('?? MATCH ?', [searchTable, ftsPhrase(search)]),
    );
  }
}
