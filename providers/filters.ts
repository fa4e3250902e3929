// Placeholder: being implemented.
import type { BmshareProvider } from "./base";

export const mailshareFiltersProvider = undefined as unknown as BmshareProvider;
