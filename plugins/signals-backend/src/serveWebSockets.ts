import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
  HttpRouterService,
  HttpRouterServiceWebSocketContext,
  LifecycleService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { subscribe, unsubscribe } from 'diagnostics_channel';
import { IncomingMessage, Server } from 'http';
import { Duplex } from 'stream';
import { rejectUpgrade } from './rejectUpgrade';

/** Most token candidates one handshake may offer, as the framework allows. */
const MAX_TOKEN_CANDIDATES = 5;
const SELF_REQUEST_TIMEOUT_MS = 5_000;
/** Published by Node.js for every request an HTTP server receives. */
const REQUEST_START_CHANNEL = 'http.server.request.start';

type UpgradeHandler = (
  context: HttpRouterServiceWebSocketContext,
) => void | Promise<void>;

function isWebSocketUpgrade(request: IncomingMessage) {
  return request.headers.upgrade?.toLowerCase() === 'websocket';
}

/**
 * Upgrade handling for frameworks without WebSocket routes. The framework
 * gives a plugin no handle on its HTTP server, so the listener learns it from
 * the first request that reaches the plugin's router (Node.js publishes each
 * request with its server on a diagnostics channel), then handles upgrades
 * of the plugin's base path on that server and leaves all others alone. At
 * startup it sends itself a request through discovery so that it normally
 * knows the server before any browser connects.
 */
class ServerUpgradeListener {
  private readonly basePath: string;
  private readonly serverOf = new WeakMap<IncomingMessage, Server>();
  private server?: Server;
  private stopped = false;

  constructor(
    private readonly deps: {
      auth: AuthService;
      discovery: DiscoveryService;
      logger: LoggerService;
      pluginId: string;
      handler: UpgradeHandler;
    },
  ) {
    this.basePath = `/api/${deps.pluginId}`;
    subscribe(REQUEST_START_CHANNEL, this.onRequestStart);
  }

  private readonly onRequestStart = (message: unknown) => {
    const { request, server } = message as {
      request: IncomingMessage;
      server: Server;
    };
    this.serverOf.set(request, server);
  };

  readonly middleware: Parameters<HttpRouterService['use']>[0] = (
    req,
    res,
    next,
  ) => {
    if (!this.server) {
      const server = this.serverOf.get(req);
      if (server) {
        this.listen(server);
      }
    }
    if (isWebSocketUpgrade(req)) {
      // It reached the router because no upgrade listener was attached when
      // it arrived; the client's retry will find one.
      res.status(503).set({ 'Retry-After': '1', Connection: 'close' }).end();
      return;
    }
    next();
  };

  /** Sends a request to itself, so that the server is known when this resolves. */
  async start() {
    try {
      const url = await this.deps.discovery.getBaseUrl(this.deps.pluginId);
      await fetch(`${url}/health`, {
        signal: AbortSignal.timeout(SELF_REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      this.deps.logger.debug(
        `Signals could not reach itself to find its HTTP server; the first WebSocket upgrade will: ${error}`,
      );
    }
  }

  stop() {
    this.stopped = true;
    unsubscribe(REQUEST_START_CHANNEL, this.onRequestStart);
    this.server?.off('upgrade', this.onUpgrade);
  }

  private listen(server: Server) {
    this.server = server;
    unsubscribe(REQUEST_START_CHANNEL, this.onRequestStart);
    if (!this.stopped) {
      server.on('upgrade', this.onUpgrade);
      this.deps.logger.info(
        `Serving WebSocket upgrades on ${this.basePath} from the HTTP server's upgrade event`,
      );
    }
  }

  private readonly onUpgrade = (
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ) => {
    const path = request.url?.split('?')[0];
    if (!isWebSocketUpgrade(request) || path !== this.basePath) {
      // Node.js leaves an upgrade nobody answers hanging; when this is the
      // only listener nobody else will.
      if (this.server?.listenerCount('upgrade') === 1) {
        rejectUpgrade(socket, '404 Not Found');
      }
      return;
    }
    if (this.stopped) {
      rejectUpgrade(socket, '503 Service Unavailable');
      return;
    }
    socket.on('error', () => socket.destroy());
    this.handle(request, socket, head).catch(error => {
      this.deps.logger.warn(`Signals WebSocket upgrade failed: ${error}`);
      socket.destroy();
    });
  };

  private async handle(request: IncomingMessage, socket: Duplex, head: Buffer) {
    const result = await this.authenticate(request);
    if (typeof result === 'string') {
      rejectUpgrade(socket, result);
      return;
    }
    if (!socket.destroyed) {
      await this.deps.handler({ request, socket, head, ...result });
    }
  }

  /**
   * Tries each offered subprotocol value and a Bearer header as a token, as
   * the framework's WebSocket routes do; answers with the status of a refusal.
   */
  private async authenticate(
    request: IncomingMessage,
  ): Promise<
    { credentials: BackstageCredentials; authProtocol?: string } | string
  > {
    const { auth } = this.deps;
    const protocols = (request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map(value => value.trim())
      .filter(Boolean);
    const bearer = /^Bearer[ ]+(\S+)$/i.exec(
      request.headers.authorization ?? '',
    )?.[1];
    const candidates = bearer ? [...protocols, bearer] : protocols;
    if (candidates.length > MAX_TOKEN_CANDIDATES) {
      return '401 Unauthorized';
    }
    let denied = false;
    for (const token of candidates) {
      try {
        const credentials = await auth.authenticate(token);
        if (
          auth.isPrincipal(credentials, 'user') ||
          auth.isPrincipal(credentials, 'service')
        ) {
          return {
            credentials,
            authProtocol: protocols.includes(token) ? token : undefined,
          };
        }
      } catch (error) {
        denied ||= (error as Error).name === 'NotAllowedError';
      }
    }
    return denied ? '403 Forbidden' : '401 Unauthorized';
  }
}

/**
 * Serves the plugin's WebSocket endpoint at its base path. Frameworks whose
 * httpRouter has `addWebSocketHandler` (`@backstage/backend-defaults` 0.19
 * and later) route upgrades themselves; on older ones (0.18), whose HTTP
 * server has no upgrade routing, the plugin listens for upgrades itself.
 */
export function serveWebSockets(options: {
  httpRouter: HttpRouterService;
  auth: AuthService;
  discovery: DiscoveryService;
  lifecycle: LifecycleService;
  logger: LoggerService;
  pluginId: string;
  handler: UpgradeHandler;
}) {
  const { httpRouter, handler } = options;
  const router = httpRouter as Partial<HttpRouterService> & HttpRouterService;
  if (typeof router.addWebSocketHandler === 'function') {
    router.addWebSocketHandler({ path: '/', handler });
    return;
  }
  const listener = new ServerUpgradeListener(options);
  // Upgrades authenticate in the listener, by subprotocol or Bearer header;
  // this policy only lets one that reached the router before the listener
  // existed get its 503 rather than a 401.
  httpRouter.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
  httpRouter.use(listener.middleware);
  options.lifecycle.addStartupHook(() => listener.start());
  options.lifecycle.addShutdownHook(() => listener.stop());
}
