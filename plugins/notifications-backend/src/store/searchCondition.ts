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

const isSqlite = (knex: Knex) =>
  String(knex.client.config.client).includes('sqlite');

/** Looks up which search indexes the database has; call after migrating. */
export async function findSearchIndexes(knex: Knex): Promise<void> {
  const texts = await knex.schema.hasTable(TEXT_TABLE);
  const sqliteSearchTables = isSqlite(knex)
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
  texts?: { user: string; matches: TextMatches },
): void {
  const contains = (columns: Knex.QueryBuilder, prefix: string) =>
    whereContains(columns, prefix, search);
  const indexes = searchIndexes.get(knex);
  const indexable = Array.from(search).length >= MIN_INDEXED_CHARACTERS;
  if (indexes?.texts && table === 'notification') {
    if (texts?.matches.sqliteTextIds) {
      // The matching texts, found before the query, as one parameter, so
      // the statement's text is the same whatever they are and the worker's
      // compiled statement is reused; then the user's rows of each through
      // the (text_id, user) index. SQLite keeps the order of a CROSS JOIN:
      // with an inner join it started from the user's rows and looked up the
      // text of each, 500 ms for a 100,000-row inbox against 6 ms.
      const textIds = JSON.stringify(texts.matches.sqliteTextIds);
      query.whereIn(`${table}.rowid`, rows =>
        rows
          .select('n.rowid')
          .from(knex.raw('json_each(?) as ??', [textIds, 'matching']))
          .crossJoin(`${table} as n`, 'n.text_id', 'matching.value')
          .where('n.user', texts.user),
      );
    } else if (texts) {
      // As an array computed once, the matching texts reach the planner as
      // a list to look up in the (text_id, user) index. As a subquery it
      // weighed joining them against reading the whole table, and in the
      // inbox bench read all 200,000 rows (200 ms) instead.
      const { sql, bindings } = pgTextsMatching(
        knex,
        texts.user,
        search,
      ).toSQL();
      query.whereRaw(`??.text_id = ANY(ARRAY(${sql}))`, [table, ...bindings]);
    }
  } else if (indexable && indexes) {
    whereIndexed(query, indexes, table, table, search);
  }
  contains(query, table);
}

/**
 * Beyond this many matching texts, looking up the user's row of each costs
 * more than reading the user's rows: in a 100,000-row inbox a term in a fifth
 * of the texts took 191 ms on SQLite and 471 ms on PostgreSQL through the
 * texts, 38 and 57 ms reading the rows.
 */
const MOST_TEXTS_LOOKED_UP = 5_000;

/**
 * On SQLite the FTS table is keyed by each text's `search_key`, a range of
 * keys per owner (see `20261205a_text_search_keys`): this many keys, from
 * the owner's number in `notification_text_owner` times this; number 0 holds
 * the texts a send shared between users.
 */
export const SEARCH_KEYS_PER_OWNER = 2 ** 32;

/**
 * On SQLite, the ids of the texts `user`'s rows may use (their own and the
 * shared ones) whose entry in the FTS table matches `search`, up to
 * {@link MOST_TEXTS_LOOKED_UP}. FTS5 limits the match to the two ranges of
 * keys before reading its doclists, so other users' texts cost nothing.
 *
 * The term is not compared here: the FTS table may offer texts that do not
 * contain it (see {@link whereSearchMatches}), and the rows' own comparison
 * leaves those out.
 */
async function sqliteTextsMatching(
  knex: Knex,
  user: string,
  search: string,
): Promise<string[]> {
  const searchTable = searchTableOf(TEXT_TABLE);
  const phrase = ftsPhrase(search);
  // The bounds are SQL, not parameters: better-sqlite3 binds a number as
  // a REAL, and with REAL bounds FTS5 read every match of the shared range
  // (3.8 ms against 1.7 ms for the inbox bench's search).
  const keysFrom = (firstKey: string, bindings: Knex.RawBinding[] = []) =>
    knex
      .select('rowid as search_key')
      .from(searchTable)
      .whereRaw('?? MATCH ?', [searchTable, phrase])
      .whereRaw(
        `rowid BETWEEN ${firstKey} AND ${firstKey} + ${
          SEARCH_KEYS_PER_OWNER - 1
        }`,
        [...bindings, ...bindings],
      );
  const ownersFirstKey = `(SELECT number * ${SEARCH_KEYS_PER_OWNER} FROM notification_text_owner WHERE owner = ?)`;
  return await knex
    .from(
      keysFrom('0')
        .unionAll(keysFrom(ownersFirstKey, [user]))
        .as('matching'),
    )
    .crossJoin(`${TEXT_TABLE} as t`, 't.search_key', 'matching.search_key')
    .limit(MOST_TEXTS_LOOKED_UP)
    .pluck('t.id');
}

/**
 * The ids of the texts usable by `user` that contain `search`, on
 * PostgreSQL. The user's own and the shared ones are two selects, as each
 * has an index of its own (see `20261204a_text_owner`): for an OR of the two
 * PostgreSQL read all of the user's texts through the owner's index and
 * compared each, 750 ms for 100,000.
 */
function pgTextsMatching(knex: Knex, user: string, search: string) {
  const matching = (owner: (query: Knex.QueryBuilder) => void) =>
    whereContains(
      knex.select('t.id').from(`${TEXT_TABLE} as t`).where(owner),
      't',
      search,
    );
  return matching(query => query.where('t.owner', user)).unionAll(
    matching(query => query.whereNull('t.owner')),
  );
}

/**
 * How a search finds a user's rows through the texts' index; without it the
 * search reads the user's rows. On SQLite it carries the ids of the texts
 * usable by the user that contain the term, so the search neither evaluates
 * the term in the FTS table again nor reads the texts.
 */
export type TextMatches = { sqliteTextIds?: string[] };

/**
 * The texts `search` should find `user`'s rows through (see
 * {@link whereSearchMatches}), or undefined where the database has no texts,
 * the term is too short for the index or it matches too many of the texts
 * the user's rows may use. SQLite reads the matches up to the bound.
 * PostgreSQL is asked for its estimate: a count with a bound tempts its
 * planner into reading every text in the hope of reaching the bound early
 * (200 ms in the inbox bench), and its estimate of a substring's share comes
 * from the statistics of the text expressions (see `20261204a_text_owner`).
 */
export async function textsToSearchThrough(
  knex: Knex,
  user: string,
  search: string | undefined,
): Promise<TextMatches | undefined> {
  const indexes = searchIndexes.get(knex);
  if (
    !search ||
    !indexes?.texts ||
    Array.from(search).length < MIN_INDEXED_CHARACTERS
  ) {
    return undefined;
  }
  const searchTable = searchTableOf(TEXT_TABLE);
  if (indexes.sqliteSearchTables.has(searchTable)) {
    const textIds = await sqliteTextsMatching(knex, user, search);
    return textIds.length < MOST_TEXTS_LOOKED_UP
      ? { sqliteTextIds: textIds }
      : undefined;
  }
  const { sql, bindings } = pgTextsMatching(knex, user, search).toSQL();
  const { rows } = await knex.raw(`EXPLAIN (FORMAT JSON) ${sql}`, bindings);
  const estimate = Number(rows[0]['QUERY PLAN'][0].Plan['Plan Rows']);
  return estimate < MOST_TEXTS_LOOKED_UP ? {} : undefined;
}

/** Limits `query` to rows of `alias` whose title or description contains `search`. */
function whereContains(
  query: Knex.QueryBuilder,
  alias: string,
  search: string,
): Knex.QueryBuilder {
  const pattern = containsPattern(search);
  return query.where(inner =>
    inner
      .whereRaw(`LOWER(??) LIKE LOWER(?) ESCAPE '!'`, [
        `${alias}.title`,
        pattern,
      ])
      .orWhereRaw(`LOWER(??) LIKE LOWER(?) ESCAPE '!'`, [
        `${alias}.description`,
        pattern,
      ]),
  );
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
