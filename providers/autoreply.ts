// Placeholder: being implemented.
import type { BmshareProvider } from "./base";

export const mailshareAutoReplyProvider = undefined as unknown as BmshareProvider;
