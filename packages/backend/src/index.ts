import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-catalog-backend'));
// Tells owners when their entities are discovered, fail or recover.
backend.add(import('@herald/plugin-catalog-backend-module-notifications'));
backend.add(import('@backstage/plugin-scaffolder-backend'));
// notification:send, and a notification to the starter when a task ends.
backend.add(import('@herald/plugin-scaffolder-backend-module-notifications'));
backend.add(import('@herald/plugin-notifications-backend'));
backend.add(import('@herald/plugin-notifications-backend-module-email'));
// Posts to Slack only when SLACK_TOKEN is set, see app-config.yaml.
backend.add(import('@herald/plugin-notifications-backend-module-slack'));
// Inactive until configured; see the msteams and webhooks blocks in app-config.yaml.
backend.add(import('@herald/plugin-notifications-backend-module-msteams'));
backend.add(import('@herald/plugin-notifications-backend-module-webhooks'));
backend.add(import('@herald/plugin-signals-backend'));

// Examples of extending Herald, see plugins/example-todo-backend/README.md.
backend.add(import('@herald/plugin-example-todo-backend'));
backend.add(
  import('@herald/plugin-notifications-backend-module-example-webhook'),
);

backend.start();
