// Placeholder: being implemented.
import type { BmshareProvider } from "./base";

export const mailshareIdentityProvider = undefined as unknown as BmshareProvider;
