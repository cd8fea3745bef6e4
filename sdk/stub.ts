import type * as pulumi from "@pulumi/pulumi";

/**
 * Builds the dynamic provider that Pulumi serializes into the state for one resource kind. It captures
 * nothing but the kind's name: each method loads the implementation from the installed package at run
 * time. That keeps the state small and free of credentials (pulumi/pulumi#8265), and makes refresh and
 * destroy use the current code rather than the code of the release that created the resource.
 */
export function providerFor(kind: string): pulumi.dynamic.ResourceProvider {
  return {
    async configure(req) {
      require("pulumi-coiote/provider/runtime").configure(req);
    },
    async check(olds, news) {
      return require("pulumi-coiote/provider/runtime").resources[kind].check(olds, news);
    },
    async diff(id, olds, news) {
      return require("pulumi-coiote/provider/runtime").resources[kind].diff(id, olds, news);
    },
    async create(inputs) {
      return require("pulumi-coiote/provider/runtime").resources[kind].create(inputs);
    },
    async read(id, props) {
      return require("pulumi-coiote/provider/runtime").resources[kind].read(id, props);
    },
    async update(id, olds, news) {
      return require("pulumi-coiote/provider/runtime").resources[kind].update(id, olds, news);
    },
    async delete(id, props) {
      return require("pulumi-coiote/provider/runtime").resources[kind].remove(id, props);
    },
  };
}
