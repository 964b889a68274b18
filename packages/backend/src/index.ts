import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@herald/plugin-scaffolder-backend-module-notifications'));
backend.add(import('@herald/plugin-notifications-backend'));
backend.add(import('@herald/plugin-notifications-backend-module-email'));
backend.add(import('@herald/plugin-signals-backend'));

backend.start();
