/**
 * The slice of express the SCIM test server uses: express ships no types and @types/express is
 * not installed (express is a test-only dependency, behind scimmy-routers).
 */
declare module 'express' {
  import type { IncomingMessage, Server, ServerResponse } from 'node:http';

  export type Request = IncomingMessage & {
    params: Record<string, string>;
    query: Record<string, unknown>;
    body: unknown;
    path: string;
    header(name: string): string | undefined;
  };
  export type Response = ServerResponse & {
    status(code: number): Response;
    send(body?: unknown): Response;
    json(body: unknown): Response;
    set(name: string, value: string): Response;
  };
  export type NextFunction = (err?: unknown) => void;
  export type Handler = (req: Request, res: Response, next: NextFunction) => void;
  export interface Router extends Handler {
    use(...handlers: unknown[]): Router;
  }
  export function Router(options?: object): Router;
  export interface Application extends Handler {
    use(...handlers: unknown[]): Application;
    post(path: string, ...handlers: unknown[]): Application;
    get(path: string, ...handlers: unknown[]): Application;
    listen(port: number, host: string, callback?: () => void): Server;
  }
  type Express = {
    (): Application;
    json(options?: object): Handler;
    urlencoded(options?: object): Handler;
  };
  const express: Express;
  export default express;
}
