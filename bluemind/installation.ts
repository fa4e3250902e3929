// IInstallation — /api/system/installation: the server's version (any session may read it, not an
// anonymous caller), read once per run and kept in the run cache: every capability that differs
// between BlueMind releases is decided from it (versions.ts).
import type { Transport } from "./transport";
import { capabilitiesOf, type Capabilities } from "./versions";
import type { InstallationVersion } from "./types";

export class InstallationService {
  private readonly t: Transport;
  private decided: { version: unknown; capabilities: Capabilities } | undefined;

  constructor(t: Transport) {
    this.t = t;
    this.decided = undefined;
  }

  /** Always asks the server. */
  getVersion(): Promise<InstallationVersion | null> {
    return this.t.json<InstallationVersion>({ endpoint: "IInstallation.getVersion", params: {}, repeat: "read" });
  }

  /**
   * What this server's release can do, read once per run (a failed read is tried again by the
   * next caller). Throws UnsupportedVersionError for a release bmshare does not speak or a
   * version it cannot read, and the read's own error when the server cannot be asked.
   */
  async capabilities(): Promise<Capabilities> {
    const version = await this.t.cache.get(null, "IInstallation.getVersion", () => this.getVersion());
    // Asked several times per resource: decided again only when the version read changes.
    if (this.decided === undefined || this.decided.version !== version?.softwareVersion) {
      this.decided = { version: version?.softwareVersion, capabilities: capabilitiesOf(version) };
    }
    return this.decided.capabilities;
  }
}
