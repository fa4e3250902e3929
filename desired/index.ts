// Public surface of the desired-state loader (docs/desired-state.md): load files and folders into
// validated, canonical mailshares; the types of the format; the lookups interface of the server checks.
export { loadDesiredState, loadDesiredStateOrThrow, checkSources, expandPaths } from "./load";
export type { LoadOptions, LoadResult, Source } from "./load";
export { DesiredStateInvalid, formatError, type DesiredStateError } from "./errors";
export type {
  DirectoryLookups, DomainInfo, UserInfo, GroupInfo, OrgUnitInfo, ServerInfo, MailboxInfo, MailboxKind,
} from "./online";
export { formatSize, parseSize } from "./sizes";
export { formatDate, parseDate } from "./dates";
export * from "./model";
