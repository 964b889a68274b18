import { HttpRouterService } from '@backstage/backend-plugin-api';

type Handler = Parameters<HttpRouterService['use']>[0];

/** `GET /health` → `{"status":"ok"}`; everything else passes on. */
export const healthRoute: Handler = (req, res, next) => {
  if (req.method === 'GET' && req.path === '/health') {
    res.json({ status: 'ok' });
    return;
  }
  next();
};
