import type * as pulumi from "@pulumi/pulumi";

/**
 * Builds the dynamic provider that Pulumi stores in the state for one resource kind. It captures nothing
 * but the kind's name: each method loads the implementation from the installed package at run time. That
 * keeps the state free of credentials (pulumi/pulumi#8265), and makes refresh and destroy use the current
 * code rather than the code of the release that created the resource.
 *
 * Each kind's provider is the whole `module.exports` of its own module beside this one, because Pulumi's
 * closure serializer stores such an object by reference when the package is installed under
 * node_modules: `require("pulumi-coiote/provider/stubs/<kind>")`, about 250 bytes instead of 2.7 KB of
 * code, twice per resource (inputs and outputs). The engine rewrites the whole state after every step, so
 * those bytes cost time that grows with the square of the stack's size (docs/performance.md). Where the
 * package is linked rather than installed, the serializer falls back to the code, which works the same.
 * Those module paths are part of every state written since: they must stay.
 */
export function providerFor(kind: string): pulumi.dynamic.ResourceProvider {
  // Required at each call, not when this module loads: the program loads it too, and needs none of that.
  const runtime = () => require("pulumi-coiote/provider/runtime");
  return {
    configure: async (req) => runtime().configure(req),
    check: async (olds, news) => runtime().resources[kind].check(olds, news),
    diff: async (id, olds, news) => runtime().resources[kind].diff(id, olds, news),
    create: async (inputs) => runtime().resources[kind].create(inputs),
    read: async (id, props) => runtime().resources[kind].read(id, props),
    update: async (id, olds, news) => runtime().resources[kind].update(id, olds, news),
    delete: async (id, props) => runtime().resources[kind].remove(id, props),
  };
}
