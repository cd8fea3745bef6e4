import nodeModule from "node:module";

/**
 * Every `pulumi preview`, `up`, `refresh` and `destroy` starts fresh dynamic-provider processes (two per
 * command: the CLI's preview and the operation), and each one compiles this package, undici and zod
 * again before its first call: about a third of the time a refresh of 50 handlers spends beyond the
 * engine's own floor (docs/performance.md). Node.js 22.1 and later keep the compiled code on disk
 * between runs when asked (`module.enableCompileCache`, in NODE_COMPILE_CACHE or the OS's temp folder;
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off). Only the modules required after this call are cached, so
 * it is the first thing the provider's runtime loads. Older Node.js versions have no such function.
 */
type WithCompileCache = typeof nodeModule & { enableCompileCache?: () => unknown };
(nodeModule as WithCompileCache).enableCompileCache?.();
