// What the install test adds to an app beyond the README's steps, to have something to check against:
//   as-installed <app-dir>      sorts the manifests' dependency lists, as Yarn does when create-app installs the
//                               app (the test skips that install): users apply the README to sorted manifests
//   add-email-module <app-dir>  adds the upstream email module, which the create-app template does not install
//   backend-defaults <app-dir> <range>
//                               moves the backend to another @backstage/backend-defaults than the template's
//   config <app-dir> <options>  writes app-config.local.yaml (ports, static token, SMTP sink, test template,
//                               optionally PostgreSQL)
// Options of `config`: --backend-port N --app-port N --smtp-port N --token T [--postgres URL --db-prefix P]
const fs = require('node:fs');
const path = require('node:path');

const EMAIL_MODULE = '@backstage/plugin-notifications-backend-module-email';
// The version that was current when the apps were made, like the rest of their dependencies.
const EMAIL_MODULE_RANGE = '^0.3.25';

function setBackendDependency(appDir, name, range) {
  const manifestPath = path.join(appDir, 'packages/backend/package.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  manifest.dependencies[name] = range;
  fs.writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}

function addEmailModule(appDir) {
  setBackendDependency(appDir, EMAIL_MODULE, EMAIL_MODULE_RANGE);

  const indexPath = path.join(appDir, 'packages/backend/src/index.ts');
  const index = fs.readFileSync(indexPath, 'utf8');
  const anchor =
    "backend.add(import('@herald/plugin-notifications-backend'));\n";
  if (!index.includes(anchor))
    throw new Error(`${indexPath} does not add Herald's backend`);
  fs.writeFileSync(
    indexPath,
    index.replace(anchor, `${anchor}backend.add(import('${EMAIL_MODULE}'));\n`),
  );
}

function parseOptions(args) {
  const options = {};
  for (let i = 0; i < args.length; i += 2) {
    if (!args[i].startsWith('--') || args[i + 1] === undefined) {
      throw new Error(`bad option ${args[i]}`);
    }
    options[args[i].slice(2)] = args[i + 1];
  }
  for (const required of ['backend-port', 'app-port', 'smtp-port', 'token']) {
    if (!options[required]) throw new Error(`--${required} is required`);
  }
  return options;
}

function postgresDatabase(url, prefix) {
  const parsed = new URL(url);
  return {
    client: 'pg',
    connection: {
      host: parsed.hostname,
      port: Number(parsed.port || 5432),
      user: decodeURIComponent(parsed.username),
      ...(parsed.password
        ? { password: decodeURIComponent(parsed.password) }
        : {}),
    },
    prefix,
  };
}

function writeConfig(appDir, options) {
  const appUrl = `http://localhost:${options['app-port']}`;
  const backendUrl = `http://localhost:${options['backend-port']}`;
  const config = {
    app: { baseUrl: appUrl },
    backend: {
      baseUrl: backendUrl,
      listen: { port: Number(options['backend-port']) },
      cors: { origin: appUrl },
      auth: {
        externalAccess: [
          {
            type: 'static',
            options: { token: options.token, subject: 'install-test' },
          },
        ],
      },
      ...(options.postgres
        ? {
            database: postgresDatabase(
              options.postgres,
              options['db-prefix'] || 'install_test_',
            ),
          }
        : {}),
    },
    catalog: {
      locations: [
        {
          type: 'file',
          target: path.join(__dirname, 'fixtures', 'notify-template.yaml'),
          rules: [{ allow: ['Template'] }],
        },
      ],
    },
    notifications: {
      processors: {
        email: {
          transportConfig: {
            transport: 'smtp',
            hostname: '127.0.0.1',
            port: Number(options['smtp-port']),
            secure: false,
          },
          sender: 'install-test@example.com',
          broadcastConfig: {
            receiver: 'config',
            receiverEmails: ['everyone@example.com'],
          },
        },
      },
    },
  };
  // JSON is YAML, and the config loader reads it as such.
  fs.writeFileSync(
    path.join(appDir, 'app-config.local.yaml'),
    `${JSON.stringify(config, null, 2)}\n`,
  );
}

const DEPENDENCY_LISTS = [
  'dependencies',
  'devDependencies',
  'peerDependencies',
  'optionalDependencies',
];

function sortDependencyLists(appDir) {
  const workspaces = fs
    .readdirSync(path.join(appDir, 'packages'))
    .map(name => path.join(appDir, 'packages', name));
  for (const dir of [appDir, ...workspaces]) {
    const manifestPath = path.join(dir, 'package.json');
    if (!fs.existsSync(manifestPath)) continue;
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
    for (const list of DEPENDENCY_LISTS) {
      if (manifest[list]) {
        manifest[list] = Object.fromEntries(
          Object.entries(manifest[list]).sort(([a], [b]) =>
            a.localeCompare(b, 'en'),
          ),
        );
      }
    }
    fs.writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  }
}

const [command, appDir, ...rest] = process.argv.slice(2);
if (command === 'as-installed' && appDir) {
  sortDependencyLists(appDir);
} else if (command === 'add-email-module' && appDir) {
  addEmailModule(appDir);
} else if (command === 'backend-defaults' && appDir && rest.length === 1) {
  setBackendDependency(appDir, '@backstage/backend-defaults', rest[0]);
} else if (command === 'config' && appDir) {
  writeConfig(appDir, parseOptions(rest));
} else {
  console.error(
    'usage: node test-setup.js as-installed|add-email-module|backend-defaults|config <app-dir> [options]',
  );
  process.exitCode = 2;
}
