'use strict';

/*
 * The bench's catalog: entities written to a YAML file that a backend's
 * catalog ingests at start-up, and a wait until it has. The catalog reads the
 * file again only after its processing interval, so its processing stays out
 * of what is timed.
 */
const fs = require('node:fs');
const { sleep } = require('./runner');

/** The catalog section of a backend's config that ingests `file` only. */
function fileCatalogConfig(file, processingInterval) {
  return {
    processingInterval,
    rules: [{ allow: ['User', 'Group'] }],
    locations: [{ type: 'file', target: file }],
  };
}

const groupName = members => `bench-group-${members}`;
const groupRef = members => `group:default/${groupName(members)}`;

/**
 * One group per size with that many members, named in `spec.members` as a
 * directory import would name them. The members have no user entities of
 * their own: a group send reads only the group's relations.
 */
function writeGroupCatalog(file, sizes) {
  const documents = sizes.map(members =>
    [
      'apiVersion: backstage.io/v1alpha1',
      'kind: Group',
      'metadata:',
      `  name: ${groupName(members)}`,
      'spec:',
      '  type: team',
      '  children: []',
      '  members:',
      ...Array.from(
        { length: members },
        (_, i) => `    - group-${members}-member-${i}`,
      ),
    ].join('\n'),
  );
  fs.writeFileSync(file, `${documents.join('\n---\n')}\n`);
}

const hasAllMembers = members => entity =>
  (entity.relations ?? []).filter(relation => relation.type === 'hasMember')
    .length === members;

/**
 * Waits until the catalog at `baseUrl` serves `kind/namespace/name` and
 * `isComplete(entity)` holds; a group is served before the relations of all
 * its members are stitched into it.
 */
async function waitForEntity(baseUrl, token, path, isComplete, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  const url = `${baseUrl}/api/catalog/entities/by-name/${path}`;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, {
        headers: { authorization: `Bearer ${token}` },
      });
      const text = await response.text();
      if (response.ok && isComplete(JSON.parse(text))) {
        return;
      }
    } catch {
      // A catalog busy ingesting may drop a connection; ask again.
    }
    await sleep(1000);
  }
  throw new Error(`catalog did not ingest ${path} in ${timeoutMs} ms`);
}

/** Waits until the catalog at `baseUrl` has every group of `sizes`, complete. */
async function waitForGroups(baseUrl, token, sizes, timeoutMs) {
  for (const members of sizes) {
    await waitForEntity(
      baseUrl,
      token,
      `group/default/${groupName(members)}`,
      hasAllMembers(members),
      timeoutMs,
    );
  }
}

module.exports = {
  fileCatalogConfig,
  groupRef,
  waitForEntity,
  waitForGroups,
  writeGroupCatalog,
};
