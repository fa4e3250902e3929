// IDirEntryMaintenance — /api/directory/{domain}/{entryUid}/mgmt: "Validate and repair"
// (docs/bluemind-api.md §2.11). 5.x has no check endpoint: check = repair with `dry: true`. 4.x has
// `check` and `repair`, each taking the set of operation ids (docs/bluemind-versions.md).
import type { Transport } from "./transport";
import type { TaskService } from "./tasks";
import type { MaintenanceOperation, RepairConfig, TaskRef } from "./types";

export class MaintenanceService {
  private readonly t: Transport;
  private readonly tasks: TaskService;

  constructor(t: Transport, tasks: TaskService) {
    this.t = t;
    this.tasks = tasks;
  }

  /** Operations applicable to the entry, in dependency order (null elements are dropped). */
  async getAvailableOperations(domain: string, entryUid: string): Promise<MaintenanceOperation[]> {
    const ops = await this.t.list<MaintenanceOperation | null>({
      endpoint: "IDirEntryMaintenance.getAvailableOperations", params: { domain, entryUid }, repeat: "read",
    });
    return ops.filter((op): op is MaintenanceOperation => op !== null);
  }

  /**
   * Runs the selected operations (`opIdentifiers` null or empty = all); task id
   * `repair-<entryUid>@<domain>`, a second call while it runs is refused (500 UNKNOWN).
   * Repeat: "once" — after an ambiguous failure a still-running task with that id is returned
   * (the lost call started it); otherwise OutcomeUnknownError.
   */
  async repair(domain: string, entryUid: string, config: RepairConfig): Promise<TaskRef> {
    try {
      return await this.t.required<TaskRef>({
        endpoint: "IDirEntryMaintenance.repair", params: { domain, entryUid }, body: { kind: "json", value: config }, repeat: "once",
      });
    } catch (err) {
      return this.tasks.recoverRunning(err, repairTaskId(domain, entryUid));
    }
  }

  /**
   * 4.x: checks (task `check-<entryUid>@<domain>`) or repairs the given operations. The task ends
   * InError when an operation reports a problem; its result is the DiagnosticReport as JSON.
   * Repeat: "once", recovered like `repair`.
   */
  async runOperations(domain: string, entryUid: string, kind: "check" | "repair", opIdentifiers: string[]): Promise<TaskRef> {
    const params = { domain, entryUid };
    const body = { kind: "json", value: opIdentifiers } as const;
    try {
      return await (kind === "check"
        ? this.t.required<TaskRef>({ endpoint: "IDirEntryMaintenance.check", params, body, repeat: "once" })
        : this.t.required<TaskRef>({ endpoint: "IDirEntryMaintenance.repair", params, body, repeat: "once" }));
    } catch (err) {
      return this.tasks.recoverRunning(err, repairTaskId(domain, entryUid, kind));
    }
  }
}

/** The deterministic id of an entry's repair task (what the admin console polls first); 4.x checks have their own. */
export function repairTaskId(domain: string, entryUid: string, kind: "check" | "repair" = "repair"): string {
  return `${kind}-${entryUid}@${domain}`;
}
