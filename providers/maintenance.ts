// Placeholder: being implemented.
import type { BmshareProvider } from "./base";

export const mailshareMaintenanceProvider = undefined as unknown as BmshareProvider;
