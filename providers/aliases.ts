// Placeholder: being implemented.
import type { BmshareProvider } from "./base";

export const mailshareAliasesProvider = undefined as unknown as BmshareProvider;
