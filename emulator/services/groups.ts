// Placeholder: being implemented.
import type { Router } from "../router";

export function register(_r: Router): void {}
