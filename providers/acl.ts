// Placeholder: being implemented.
import type { BmshareProvider } from "./base";

export const mailshareAclProvider = undefined as unknown as BmshareProvider;
