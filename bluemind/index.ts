// The BlueMind REST client: one object grouping a typed service per BlueMind interface
// (`client.mailshares.getComplete(domain, uid)`, `client.mailboxes.getMailboxFilter(…)`, …), the
// task follower, the resolution helpers and the run cache. See transport.ts for the wire
// conventions, retry.ts for what is retried, limiter.ts for the process-wide adaptive limits.
//
// Safe to create inside Pulumi dynamic-provider methods (docs/pulumi.md §1–§2): nothing is
// created at module load (connections and their agent come with the first request), no `#private` fields, no
// arrow-function class properties, credentials only from the options given at run time.
import { RunCache } from "./cache";
import { Credentials } from "./credentials";
import { ClientConfigError } from "./errors";
import { sharedLimiter, type LimiterConfig } from "./limiter";
import { DEFAULT_RETRY, type RetryOptions } from "./retry";
import { Transport, type BlueMindLogger } from "./transport";
import { ApiKeyService, AuthService } from "./auth";
import { MailshareService } from "./mailshares";
import { MailboxService } from "./mailboxes";
import { ContainerService } from "./containers";
import { IdentityService } from "./identities";
import { DirectoryService, GroupService, UserService } from "./directory";
import { OrgUnitService } from "./orgunits";
import { DomainService } from "./domains";
import { ServerService } from "./servers";
import { MailboxMgmtService } from "./mgmt";
import { MaintenanceService } from "./maintenance";
import { TaskService, type FollowOptions, type TaskOutcome } from "./tasks";
import { Resolver } from "./resolve";
import { InstallationService } from "./installation";
import { MailFolderService } from "./mail-folders";
import type { Capabilities } from "./versions";
import type { TaskRef } from "./types";

export interface BlueMindClientOptions {
  /** Server URL, e.g. `https://mail.example.com` (a trailing `/api` is accepted). */
  url: string;
  /** An API key or session key, sent in `X-BM-ApiKey` only. Give this or `login` + `password`. */
  apiKey?: string;
  /** `user@domain` (or `admin0@global.virt`): the client logs in on first use and out on `close()`. */
  login?: string;
  password?: string;
  /** Origin recorded with the session by BlueMind (default `bmshare`). */
  origin?: string;
  /** Skip TLS certificate verification. Off unless set explicitly. */
  insecure?: boolean;
  /** A PEM file of CA certificates to trust (a private CA). */
  caFile?: string;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Retry tuning (see retry.ts). */
  retry?: Partial<RetryOptions>;
  /**
   * Reconfigures the process-wide limiter: its width adapts between 1 and `maxConcurrent` (default
   * 32, starting at 4); `requestsPerSecond` caps the rate (default 0, none). See limiter.ts.
   */
  limits?: Partial<LimiterConfig>;
  /** Receives one line per request and per retry; never keys, passwords or bodies. */
  logger?: BlueMindLogger;
  /** Share a run cache between clients (default: one per client). */
  cache?: RunCache;
  /** User-Agent header (default `bmshare`). */
  userAgent?: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Validates the URL and drops a trailing `/` or `/api`. */
function baseUrlOf(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ClientConfigError(`invalid BlueMind URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new ClientConfigError(`BlueMind URL must be http(s): ${JSON.stringify(url)}`);
  }
  if (parsed.username || parsed.password || parsed.search) {
    throw new ClientConfigError("BlueMind URL must not contain credentials or a query string");
  }
  const path = parsed.pathname.replace(/\/+$/, "").replace(/\/api$/, "");
  return `${parsed.origin}${path}`;
}

function checkCredentials(options: BlueMindClientOptions): void {
  const hasKey = options.apiKey !== undefined && options.apiKey !== "";
  const hasLogin = options.login !== undefined || options.password !== undefined;
  if (hasKey && hasLogin) throw new ClientConfigError("give either apiKey or login + password, not both");
  if (!hasKey && (!options.login || options.password === undefined)) {
    throw new ClientConfigError("no credentials: give apiKey, or login and password");
  }
}

export class BlueMindClient {
  /** The per-run cache of bulk reads; `cache.invalidate(domain?)` after writes made elsewhere. */
  readonly cache: RunCache;
  readonly auth: AuthService;
  readonly apiKeys: ApiKeyService;
  readonly mailshares: MailshareService;
  readonly mailboxes: MailboxService;
  readonly containers: ContainerService;
  readonly identities: IdentityService;
  readonly directory: DirectoryService;
  readonly users: UserService;
  readonly groups: GroupService;
  readonly orgUnits: OrgUnitService;
  readonly domains: DomainService;
  readonly servers: ServerService;
  readonly mgmt: MailboxMgmtService;
  readonly maintenance: MaintenanceService;
  readonly tasks: TaskService;
  readonly installation: InstallationService;
  readonly mailFolders: MailFolderService;
  readonly resolve: Resolver;
  /** The server base URL (without `/api`). */
  readonly url: string;
  private readonly transport: Transport;

  constructor(options: BlueMindClientOptions) {
    this.url = baseUrlOf(options.url);
    checkCredentials(options);
    const credentials = new Credentials({
      apiKey: options.apiKey || undefined,
      login: options.login,
      password: options.password,
      origin: options.origin ?? "bmshare",
    });
    this.cache = options.cache ?? new RunCache();
    this.transport = new Transport({
      baseUrl: this.url,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      insecure: options.insecure === true,
      caFile: options.caFile,
      userAgent: options.userAgent ?? "bmshare",
      retry: { ...DEFAULT_RETRY, ...(options.retry ?? {}) },
      limiter: sharedLimiter(options.limits),
      cache: this.cache,
      credentials,
      logger: options.logger,
    });
    const t = this.transport;
    this.auth = new AuthService(t);
    this.apiKeys = new ApiKeyService(t);
    this.mailshares = new MailshareService(t);
    this.mailboxes = new MailboxService(t);
    this.containers = new ContainerService(t);
    this.identities = new IdentityService(t);
    this.tasks = new TaskService(t);
    this.directory = new DirectoryService(t, this.tasks);
    this.users = new UserService(t);
    this.groups = new GroupService(t);
    this.orgUnits = new OrgUnitService(t);
    this.domains = new DomainService(t);
    this.servers = new ServerService(t);
    this.mgmt = new MailboxMgmtService(t);
    this.maintenance = new MaintenanceService(t, this.tasks);
    this.installation = new InstallationService(t);
    this.mailFolders = new MailFolderService(t);
    this.resolve = new Resolver({
      cache: this.cache, mailboxes: this.mailboxes, users: this.users, groups: this.groups, directory: this.directory,
      orgUnits: this.orgUnits, servers: this.servers, domains: this.domains,
    });
  }

  /**
   * Returns the session key: logs in first when the client was given a login and password (the
   * first request does that too), or returns the API key it was given.
   */
  async login(): Promise<string> {
    const key = await this.transport.credentials.key(this.transport);
    if (key === null) throw new ClientConfigError("no credentials to log in with");
    return key;
  }

  /** Logs out when the client opened the session itself (an API key given to it is left alone), and closes its connections. */
  async close(): Promise<void> {
    const credentials = this.transport.credentials;
    if (credentials.ownsSession && credentials.currentKey() !== null) {
      try {
        await this.auth.logout();
      } catch (err) {
        this.transport.log("warn", `logout failed: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        credentials.forget();
      }
    }
    await this.transport.closeConnections();
  }

  /**
   * What the server's BlueMind release can do (its version read once per run): throws
   * UnsupportedVersionError for a release bmshare does not speak or cannot identify.
   */
  capabilities(): Promise<Capabilities> {
    return this.installation.capabilities();
  }

  /** Follows a task until it ends (see TaskService.follow). */
  followTask(ref: TaskRef | string, options?: FollowOptions): Promise<TaskOutcome> {
    return this.tasks.follow(ref, options);
  }
}

export { RunCache } from "./cache";
export { Limiter, sharedLimiter, DEFAULT_LIMITS, LATENCY, type Completion, type LimiterConfig, type LoadSignal, type Slot } from "./limiter";
export { DEFAULT_RETRY, loadSignalOf, type RetryOptions, type Repeat } from "./retry";
export type { BlueMindLogger } from "./transport";
export type { FollowOptions, TaskOutcome, TaskProgress } from "./tasks";
export type { GroupRef, ResolvedOrgUnit, UserRef } from "./resolve";
export { mailboxAclContainerUid } from "./containers";
export { formatOrgUnitPath } from "./orgunits";
export { repairTaskId } from "./maintenance";
export { capabilitiesOf, parseVersion, SUPPORTED_RANGE, type Capabilities, type Lattice } from "./versions";
export { MAIL_IMAP_TAG, SERVER_CONTAINER } from "./servers";
export { ENDPOINTS, type EndpointName } from "./endpoints";
export * from "./errors";
export type * from "./types";
