import { Knex } from 'knex';
import { createHash, randomUUID } from 'node:crypto';
import { isPostgres } from './sql';

/**
 * Shapes kept compiled, least recently used out first. An inbox asks in a
 * handful of shapes (views, page sizes, orders, pages); the bound keeps
 * requests that vary their filters from growing the map.
 */
export const SHAPES_KEPT = 200;

type CompiledStatement = {
  sql: string;
  bindings: readonly Knex.Value[];
  /** Where among the bindings the user's ref goes. */
  userPlaces: readonly number[];
  /** The server-side prepared statement's name, where there is one. */
  name?: string;
};

/**
 * Statements of the read side compiled once per shape by knex, then run
 * again for any user. Every user's inbox page is the same SQL with another
 * ref in it, yet knex built and compiled its statements on each request:
 * about 0.7 ms of the 3.5 ms a page default took in the backend on
 * PostgreSQL.
 *
 * The caller names a statement's shape: everything it is built from but
 * the user. The statement is compiled with a stand-in for the user that no
 * request can hold, so only the stand-in's places take a user's ref, and a
 * filter value that equals some user's ref stays what it was.
 */
export class CompiledStatements {
  private readonly statements = new Map<string, CompiledStatement>();
  private readonly userStandIn = `\u0000user-${randomUUID()}`;

  private readonly prepared: boolean;

  /**
   * With `preparedStatements` (the default) PostgreSQL runs each shape as a
   * named statement: parsed once per connection, and planned once where its
   * generic plan costs no more than the ones it would make per user. Its
   * name is the hash of its SQL, so a name never stands for two statements.
   */
  constructor(
    private readonly knex: Knex,
    { preparedStatements = true }: { preparedStatements?: boolean } = {},
  ) {
    this.prepared = preparedStatements && isPostgres(knex);
  }

  /**
   * The rows of the statement `build` makes for `user`. Without a shape
   * (a statement with values that change from request to request, such as
   * ids or a search term) it is built and compiled as usual.
   */
  async select<Row>(
    shape: string | undefined,
    user: string,
    build: (user: string) => Knex.QueryBuilder,
  ): Promise<Row[]> {
    if (shape === undefined) {
      return await build(user);
    }
    const statement = this.recall(shape) ?? this.compile(shape, build);
    const bindings = [...statement.bindings];
    for (const place of statement.userPlaces) {
      bindings[place] = user;
    }
    const query = this.knex.raw(statement.sql, bindings);
    if (statement.name) {
      query.options({ name: statement.name });
    }
    return rowsOf(this.knex, await query);
  }

  private recall(shape: string): CompiledStatement | undefined {
    const statement = this.statements.get(shape);
    if (statement) {
      // Moved to the end: the first entry is the least recently used.
      this.statements.delete(shape);
      this.statements.set(shape, statement);
    }
    return statement;
  }

  private compile(
    shape: string,
    build: (user: string) => Knex.QueryBuilder,
  ): CompiledStatement {
    const { sql, bindings } = build(this.userStandIn).toSQL();
    const userPlaces = bindings.flatMap((value, place) =>
      value === this.userStandIn ? [place] : [],
    );
    const statement = {
      sql,
      bindings,
      userPlaces,
      name: this.prepared ? statementName(sql) : undefined,
    };
    this.statements.set(shape, statement);
    if (this.statements.size > SHAPES_KEPT) {
      this.statements.delete(this.statements.keys().next().value!);
    }
    return statement;
  }
}

/** Within PostgreSQL's 63 bytes, and unlike any name the framework uses. */
function statementName(sql: string) {
  return `herald_${createHash('sha256')
    .update(sql)
    .digest('hex')
    .slice(0, 40)}`;
}

/** The rows of `knex.raw`'s result, which each driver shapes its own way. */
function rowsOf<Row>(knex: Knex, result: any): Row[] {
  if (isPostgres(knex)) {
    return result.rows;
  }
  if (String(knex.client.config.client).includes('mysql')) {
    // mysql2 answers [rows, fields].
    return result[0];
  }
  return result;
}
