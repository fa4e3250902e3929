// IInstallation — /api/system/installation: only `version`, what a client reads to know which
// BlueMind it speaks to (InstallationService.getVersion). Any session may read it; anonymous
// callers are refused. `versionName` is never set by BlueMind (BMVersion), so it is null.
import type { Router } from "../router";
import type { Release } from "../releases";
import { denied } from "../faults";

export function register(r: Router, release: Release): void {
  r.get("/api/system/installation/version", (ctx) => {
    if (!ctx.session) throw denied("Invalid security context");
    return { databaseVersion: release.softwareVersion, softwareVersion: release.softwareVersion, versionName: null, needsUpgrade: false };
  });
}
