import * as pulumi from "@pulumi/pulumi";

// The same engine path as an EventHandler (a dynamic resource with the same provider methods), minus the
// DM API: the floor the real resources are measured against.
const provider: pulumi.dynamic.ResourceProvider = {
  async check(_olds, news) {
    return { inputs: news };
  },
  async diff(_id, olds, news) {
    return { changes: JSON.stringify(olds.value) !== JSON.stringify(news.value) };
  },
  async create(inputs) {
    return { id: `noop-${inputs.value}`, outs: inputs };
  },
  async read(id, props) {
    return { id, props, inputs: props };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
  async delete() {},
};

class Noop extends pulumi.dynamic.Resource {
  constructor(name: string, value: string) {
    super(provider, name, { value }, {}, "bench", "Noop");
  }
}

const count = new pulumi.Config().requireNumber("count");
const suffix = new pulumi.Config().get("suffix") ?? "";
for (let i = 0; i < count; i++) new Noop(`r${i}`, `${i}${suffix}`);
