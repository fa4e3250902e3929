// IDirEntryMaintenance — /api/directory/{domain}/{entryUid}/mgmt: "Validate and repair"
// (docs/bluemind-api.md §2.11). There is no check endpoint: check = repair with `dry: true`.
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
}

/** The deterministic id of an entry's repair task (what the admin console polls first). */
export function repairTaskId(domain: string, entryUid: string): string {
  return `repair-${entryUid}@${domain}`;
}
