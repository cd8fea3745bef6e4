import { providerFor } from "./stub";

// The exports object itself is the provider, so the state refers to this module (see stub.ts).
export = providerFor("EventHandler");
