import {
  Notification,
  NotificationReasonType,
  NotificationSeverity,
  NotificationStatus,
  severitiesAtLeast,
} from '@herald/plugin-notifications-common';
import { Knex } from 'knex';
import {
  HERALD_STATE_COLUMNS,
  NOTIFICATION_COLUMNS,
  NotificationRow,
  isNotificationId,
  rowToNotification,
} from './rows';
import {
  TextMatches,
  textsToSearchThrough,
  whereSearchMatches,
} from './searchCondition';
import { ROWS_PER_STATEMENT, chunk, isPostgres } from './sql';
import { CompiledStatements } from './compiledStatements';

/** Columns a list may be ordered by: every column of the notification view but metadata. */
export const SORTABLE_FIELDS = NOTIFICATION_COLUMNS.filter(
  column => column !== 'metadata',
);

export type SortableField = (typeof SORTABLE_FIELDS)[number];

const NULLABLE_FIELDS = new Set<SortableField>([
  'user',
  'description',
  'link',
  'scope',
  'topic',
  'icon',
  'updated',
  'read',
  'saved',
]);

export type NotificationOrder = {
  field: SortableField;
  /** Omitted means the database default, ascending. */
  direction?: 'asc' | 'desc';
};

export type NotificationFilter = {
  topic?: string;
  search?: string;
  read?: boolean;
  saved?: boolean;
  createdAfter?: Date;
  minimumSeverity?: NotificationSeverity;
  ids?: string[];
} & StatusFilter;

/** Herald's filters on a user's state, which `/status` takes too. */
export type StatusFilter = {
  done?: boolean;
  /**
   * Snoozed: `snoozed_until` set. A snooze whose time has come counts until
   * the task that wakes snoozes clears it, as the per-user counts see it.
   */
  snoozed?: boolean;
  reason?: NotificationReasonType;
};

export type ListNotificationsOptions = NotificationFilter & {
  offset?: number;
  limit?: number;
  orderBy?: NotificationOrder[];
};

export type NotificationStateChange = {
  read?: boolean;
  saved?: boolean;
  done?: boolean;
  /** A time to hide until, or null to end a snooze. */
  snoozedUntil?: Date | null;
};

/** The columns a state change writes, with their values. */
function stateColumns(change: NotificationStateChange, now: Date) {
  const columns: Record<string, Date | null> = {};
  // These states are stored as the time they were set.
  for (const state of ['read', 'saved', 'done'] as const) {
    if (change[state] !== undefined) {
      columns[state] = change[state] ? now : null;
    }
  }
  if (change.snoozedUntil !== undefined) {
    columns.snoozed_until = change.snoozedUntil;
  }
  return columns;
}

function sum(values: unknown[]): number {
  return values.reduce<number>((total, value) => total + Number(value ?? 0), 0);
}

/** Options a count by the per-user counts can honour; any other filter is counted row by row. */
const COUNTABLE_OPTIONS = new Set([
  'read',
  'minimumSeverity',
  'done',
  'snoozed',
  'reason',
  'offset',
  'limit',
  'orderBy',
]);

type UserCounts = { total: number; unread: number; read: number };

const USER_COUNT_COLUMNS = ['total', 'unread', 'inbox_total', 'inbox_unread'];

/** The counts of a row of {@link NotificationsStore.userCountsQuery}. */
function readUserCounts(
  row: Record<string, unknown> | undefined,
): Record<'all' | 'inbox', UserCounts> & { broadcasts: number } {
  const counts = (totalValue: unknown, unreadValue: unknown) => {
    const total = Number(totalValue ?? 0);
    const unread = Number(unreadValue ?? 0);
    return { total, unread, read: total - unread };
  };
  return {
    all: counts(row?.total, row?.unread),
    inbox: counts(row?.inbox_total, row?.inbox_unread),
    broadcasts: Number(row?.broadcast_count ?? 0),
  };
}

/**
 * Which of the per-user counts holds the rows under these state filters:
 * all of the user's rows, those in the inbox (not done, not snoozed), or
 * none when the filter needs the rows themselves.
 */
function countedRows(filter: StatusFilter): 'all' | 'inbox' | undefined {
  if (filter.reason !== undefined) {
    return undefined;
  }
  if (filter.done === undefined && filter.snoozed === undefined) {
    return 'all';
  }
  return filter.done === false && filter.snoozed === false
    ? 'inbox'
    : undefined;
}

/**
 * Which per-user count answers a count of the user's own rows under
 * `filter`, or undefined when the filter needs the rows themselves.
 */
function userCountFor(
  filter: ListNotificationsOptions,
): { rows: 'all' | 'inbox'; count: keyof UserCounts } | undefined {
  for (const [key, value] of Object.entries(filter)) {
    if (value !== undefined && !COUNTABLE_OPTIONS.has(key)) {
      return undefined;
    }
  }
  if (filter.minimumSeverity && filter.minimumSeverity !== 'low') {
    return undefined;
  }
  const rows = countedRows(filter);
  if (!rows) {
    return undefined;
  }
  if (filter.read === undefined) {
    return { rows, count: 'total' };
  }
  return { rows, count: filter.read ? 'read' : 'unread' };
}

/**
 * A list's shape for {@link CompiledStatements}: its options, unless they
 * hold values that change from request to request (ids, a search term, a
 * time), whose statements are compiled each time instead.
 */
function listShape(options: ListNotificationsOptions): string | undefined {
  if (
    options.ids !== undefined ||
    options.search !== undefined ||
    options.createdAfter !== undefined
  ) {
    return undefined;
  }
  return JSON.stringify(options);
}

/**
 * The read side of notifications: what a user sees is their own rows in
 * `notification` plus every broadcast, with the broadcast's read and saved
 * state taken from that user's `broadcast_user_status` row.
 */
export class NotificationsStore {
  /** Whether the database keeps `notification_user_count` (see its migration). */
  private readonly hasUserCounts: boolean;
  private readonly statements: CompiledStatements;

  constructor(
    private readonly knex: Knex,
    options: { preparedStatements?: boolean } = {},
  ) {
    this.hasUserCounts =
      isPostgres(knex) || String(knex.client.config.client).includes('sqlite');
    this.statements = new CompiledStatements(knex, options);
  }

  async list(
    user: string,
    options: ListNotificationsOptions,
  ): Promise<{ totalCount: number; notifications: Notification[] }> {
    const texts = await textsToSearchThrough(this.knex, user, options.search);
    const shape = listShape(options);
    const [rows, totalCount] = await Promise.all([
      this.selectPage(user, options, texts, shape && `page ${shape}`),
      this.count(user, options, texts, shape && `count ${shape}`),
    ]);
    return { totalCount, notifications: rows.map(rowToNotification) };
  }

  async get(user: string, id: string): Promise<Notification | undefined> {
    if (!isNotificationId(id)) {
      return undefined;
    }
    const [row] = await this.selectPage(user, { ids: [id], limit: 1 });
    return row ? rowToNotification(row) : undefined;
  }

  /** The caller's notifications among `ids`, newest first. Malformed ids are ignored. */
  async getMany(user: string, ids: string[]): Promise<Notification[]> {
    const validIds = ids.filter(isNotificationId);
    const notifications: Notification[] = [];
    for (const idChunk of chunk(validIds, ROWS_PER_STATEMENT)) {
      const rows = await this.selectPage(user, { ids: idChunk });
      notifications.push(...rows.map(rowToNotification));
    }
    return notifications.sort(
      (a, b) => b.created.getTime() - a.created.getTime(),
    );
  }

  async status(
    user: string,
    filter: StatusFilter = {},
  ): Promise<NotificationStatus> {
    const [own, broadcasts] = this.branches(user, filter);
    const counts = (branch: Knex.QueryBuilder, readColumn: string) =>
      branch.select(
        this.knex.raw('COUNT(*) as ??', ['total']),
        this.knex.raw('COUNT(??) as ??', [readColumn, 'readCount']),
      );
    let rows: Array<{ total: unknown; readCount: unknown }>;
    const counted = this.hasUserCounts ? countedRows(filter) : undefined;
    if (counted) {
      const [userCounts, broadcastCounts] = await Promise.all([
        this.userCounts(user),
        counts(broadcasts, 'broadcast_user_status.read'),
      ]);
      const ownCounts = userCounts[counted];
      rows = [
        { total: ownCounts.total, readCount: ownCounts.read },
        ...broadcastCounts,
      ];
    } else {
      rows = await counts(own, 'notification.read').unionAll(
        counts(broadcasts, 'broadcast_user_status.read'),
      );
    }
    const total = sum(rows.map(row => row.total));
    const read = sum(rows.map(row => row.readCount));
    return { unread: total - read, read };
  }

  /** The user's own rows, as {@link userCountsQuery} counts them. */
  private async userCounts(user: string) {
    const [row] = await this.statements.select<Record<string, unknown>>(
      'counts',
      user,
      forUser => this.userCountsQuery(forUser),
    );
    return readUserCounts(row);
  }

  /**
   * The user's own rows, counted by the database's triggers as they change.
   * On PostgreSQL the triggers append changes that a task folds into the
   * counts later (see `20261203h_count_changes`), so they are added here.
   * With `broadcastCount`, a count of broadcast rows, its result comes back
   * in the same statement: a list's count is then one round trip, not two.
   */
  private userCountsQuery(user: string, broadcastCount?: Knex.QueryBuilder) {
    const counted = (table: string) =>
      this.knex(table).where('user', user).select(USER_COUNT_COLUMNS);
    const rows = isPostgres(this.knex)
      ? counted('notification_user_count').unionAll(
          counted('notification_user_count_change'),
        )
      : counted('notification_user_count');
    // Sums, so the statement has its one row even for a user without counts.
    const query = this.knex
      .select(
        USER_COUNT_COLUMNS.map(column =>
          this.knex.raw('sum(??) as ??', [column, column]),
        ),
      )
      .from(rows.as('user_counts'));
    if (broadcastCount) {
      query.select(
        this.knex.raw('(?) as ??', [broadcastCount, 'broadcast_count']),
      );
    }
    return query;
  }

  async topics(user: string, filter: NotificationFilter): Promise<string[]> {
    const [own, broadcasts] = this.branches(
      user,
      filter,
      await textsToSearchThrough(this.knex, user, filter.search),
    );
    const topicsOf = (branch: Knex.QueryBuilder, table: string) =>
      branch.distinct(`${table}.topic`).whereNotNull(`${table}.topic`);
    const rows: Array<{ topic: string }> = await this.knex
      .from(
        topicsOf(own, 'notification')
          .union(topicsOf(broadcasts, 'broadcast'))
          .as('t'),
      )
      .select('topic')
      .orderBy('topic', 'asc');
    return rows.map(row => row.topic);
  }

  /**
   * Sets or clears read, saved, done and the snooze on the user's own rows
   * and on the user's state of broadcasts. Ids of
   * other users' notifications and malformed ids change nothing, and the
   * whole change is one transaction.
   */
  async updateState(
    user: string,
    ids: string[],
    change: NotificationStateChange,
  ): Promise<void> {
    const validIds = ids.filter(isNotificationId);
    const columns = stateColumns(change, new Date());
    const names = Object.keys(columns);
    if (validIds.length === 0 || names.length === 0) {
      return;
    }
    await this.knex.transaction(async tx => {
      for (const idChunk of chunk(validIds, ROWS_PER_STATEMENT)) {
        const broadcastIds: string[] = await tx('broadcast')
          .whereIn('id', idChunk)
          .pluck('id');
        await tx('notification')
          .where('user', user)
          .whereIn('id', idChunk)
          .update(columns);
        if (broadcastIds.length > 0) {
          await tx('broadcast_user_status')
            .insert(
              broadcastIds.map(id => ({ broadcast_id: id, user, ...columns })),
            )
            .onConflict(['broadcast_id', 'user'])
            .merge(names);
        }
      }
    });
  }

  /** `shape` names the statement for {@link CompiledStatements}. */
  private async selectPage(
    user: string,
    options: ListNotificationsOptions,
    texts?: TextMatches,
    shape?: string,
  ): Promise<NotificationRow[]> {
    return this.statements.select(shape, user, forUser =>
      this.pageQuery(forUser, options, texts),
    );
  }

  private pageQuery(
    user: string,
    options: ListNotificationsOptions,
    texts: TextMatches | undefined,
  ): Knex.QueryBuilder {
    const orderBy = this.orderOf(options);
    if (options.limit === undefined) {
      const query = this.knex
        .from(this.userView(user, options, texts))
        .select('*');
      this.applyOrder(query, orderBy);
      if (options.offset !== undefined) {
        query.offset(options.offset);
      }
      return query;
    }
    // A page is among the first offset + limit rows of each side, so each
    // side is cut there (through its index, without sorting all of the
    // user's rows) before the two are merged and sorted.
    const window = (options.offset ?? 0) + options.limit;
    const [own, broadcasts] = this.branches(user, options, texts);
    const firstRows = (
      branch: Knex.QueryBuilder,
      isOwn: boolean,
      alias: string,
    ) => {
      const ordered = this.knex
        .from(this.withColumns(branch, isOwn).as(alias))
        .select('*');
      this.applyOrder(ordered, orderBy);
      return this.knex
        .from(ordered.limit(window).as(`${alias}_page`))
        .select('*');
    };
    const query = this.knex
      .from(
        firstRows(own, true, 'own_rows')
          .unionAll(firstRows(broadcasts, false, 'broadcast_rows'))
          .as('n'),
      )
      .select('*');
    this.applyOrder(query, orderBy);
    query.limit(options.limit);
    if (options.offset) {
      query.offset(options.offset);
    }
    return query;
  }

  private orderOf(options: ListNotificationsOptions): NotificationOrder[] {
    return (
      options.orderBy ?? [{ field: 'created' as const, direction: 'desc' }]
    );
  }

  private applyOrder(query: Knex.QueryBuilder, orderBy: NotificationOrder[]) {
    for (const { field, direction } of orderBy) {
      if (NULLABLE_FIELDS.has(field)) {
        // PostgreSQL's placement of nulls (as the largest values) on every
        // database, so a list sorts the same whatever stores it.
        query.orderByRaw(
          `(?? IS NULL) ${direction === 'desc' ? 'DESC' : 'ASC'}`,
          [field],
        );
      }
      query.orderBy(field, direction);
    }
    // Rows created in the same instant would otherwise page unpredictably.
    query.orderBy('id', 'asc');
  }

  /**
   * Counted per side, so each count can be answered from an index. The
   * user's own rows under the views' usual filters (unread, read, all) are
   * not counted at all but read from the per-user counts: counting them took
   * time in proportion to the inbox.
   *
   * The count stays a statement of its own beside the page's. Joined into
   * the page's statement it took longer on PostgreSQL (0.78 against 0.55 ms
   * at the database for both, which run in parallel on two connections), and
   * 2.5 ms until the counts' tables were first analyzed.
   */
  private async count(
    user: string,
    filter: ListNotificationsOptions,
    texts: TextMatches | undefined,
    shape: string | undefined,
  ) {
    const counted = this.hasUserCounts ? userCountFor(filter) : undefined;
    if (counted) {
      const [row] = await this.statements.select<Record<string, unknown>>(
        shape,
        user,
        forUser =>
          this.userCountsQuery(
            forUser,
            this.branches(forUser, filter, texts)[1].count({ count: '*' }),
          ),
      );
      const userCounts = readUserCounts(row);
      return userCounts[counted.rows][counted.count] + userCounts.broadcasts;
    }
    const rows = await this.statements.select<{ count: unknown }>(
      shape,
      user,
      forUser => {
        const [own, broadcasts] = this.branches(forUser, filter, texts);
        return own
          .count({ count: '*' })
          .unionAll(broadcasts.count({ count: '*' }));
      },
    );
    return sum(rows.map(row => row.count));
  }

  /** The user's rows and all broadcasts as one derived table `n`. */
  private userView(
    user: string,
    filter: NotificationFilter,
    texts: TextMatches | undefined,
  ) {
    const [own, broadcasts] = this.branches(user, filter, texts);
    return this.withColumns(own, true)
      .unionAll(this.withColumns(broadcasts, false))
      .as('n');
  }

  /**
   * The two sides of a user's view, filtered but without columns: the
   * user's own rows, and all broadcasts with the user's state of them.
   * Filters are applied inside each side so the indexes of both stay usable.
   */
  private branches(
    user: string,
    filter: NotificationFilter,
    texts?: TextMatches,
  ): [Knex.QueryBuilder, Knex.QueryBuilder] {
    const own = this.knex('notification').where('notification.user', user);
    this.applyFilter(
      own,
      'notification',
      'notification',
      filter,
      texts && { user, matches: texts },
    );

    const broadcasts = this.knex('broadcast').leftJoin(
      'broadcast_user_status',
      join =>
        join
          .on('broadcast_user_status.broadcast_id', '=', 'broadcast.id')
          .andOn('broadcast_user_status.user', '=', this.knex.raw('?', [user])),
    );
    this.applyFilter(broadcasts, 'broadcast', 'broadcast_user_status', filter);
    return [own, broadcasts];
  }

  private withColumns(branch: Knex.QueryBuilder, isOwn: boolean) {
    const columns = [...NOTIFICATION_COLUMNS, ...HERALD_STATE_COLUMNS];
    if (isOwn) {
      return branch.select(columns.map(column => `notification.${column}`));
    }
    return branch.select(
      columns.map(column => {
        if (column === 'user' || column === 'reasons') {
          return this.knex.raw('NULL as ??', [column]);
        }
        if (
          column === 'read' ||
          column === 'saved' ||
          column === 'done' ||
          column === 'snoozed_until'
        ) {
          return `broadcast_user_status.${column}`;
        }
        return `broadcast.${column}`;
      }),
    );
  }

  private applyFilter(
    query: Knex.QueryBuilder,
    table: string,
    stateTable: string,
    filter: NotificationFilter,
    texts?: { user: string; matches: TextMatches },
  ) {
    if (filter.ids) {
      query.whereIn(`${table}.id`, filter.ids);
    }
    if (filter.topic !== undefined) {
      query.where(`${table}.topic`, filter.topic);
    }
    if (filter.search) {
      whereSearchMatches(query, this.knex, table, filter.search, texts);
    }
    whereStateSet(query, `${stateTable}.read`, filter.read);
    whereStateSet(query, `${stateTable}.saved`, filter.saved);
    if (filter.createdAfter) {
      query.where(`${table}.created`, '>=', filter.createdAfter);
    }
    applyStateFilter(query, table, stateTable, filter);
    // At `low` every row qualifies (rows are shown with a known severity
    // whatever is stored), and leaving the condition out keeps counts on the
    // index alone.
    if (filter.minimumSeverity && filter.minimumSeverity !== 'low') {
      query.whereIn(
        `${table}.severity`,
        severitiesAtLeast(filter.minimumSeverity),
      );
    }
  }
}

/**
 * A state is on while its column holds a time: `true` keeps the rows where it
 * is set, `false` those where it is not, and no wish leaves the query alone.
 */
function whereStateSet(
  query: Knex.QueryBuilder,
  column: string,
  isSet: boolean | undefined,
) {
  if (isSet === true) {
    query.whereNotNull(column);
  } else if (isSet === false) {
    query.whereNull(column);
  }
}

/** Herald's done, snoozed and reason filters on one side of the view. */
function applyStateFilter(
  query: Knex.QueryBuilder,
  table: string,
  stateTable: string,
  filter: StatusFilter,
) {
  whereStateSet(query, `${stateTable}.done`, filter.done);
  whereStateSet(query, `${stateTable}.snoozed_until`, filter.snoozed);
  if (filter.reason !== undefined) {
    const isBroadcastSide = table === 'broadcast';
    if (filter.reason === 'broadcast' || isBroadcastSide) {
      // A broadcast reaches everyone as a broadcast and nobody otherwise.
      if ((filter.reason === 'broadcast') !== isBroadcastSide) {
        query.whereRaw('1 = 0');
      }
    } else {
      // Reasons are stored as compact JSON written by this backend only.
      query.where(`${table}.reasons`, 'like', `%"type":"${filter.reason}"%`);
    }
  }
}
