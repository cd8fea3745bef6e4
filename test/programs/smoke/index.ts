import * as pulumi from "@pulumi/pulumi";

// A dynamic resource that keeps its state in its outputs only: enough to exercise create, diff,
// update, read and delete through the real engine without any external service.
const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: `smoke-${inputs.label}`, outs: { ...inputs } };
  },
  async diff(_id, olds, news) {
    const changes = olds.label !== news.label || olds.size !== news.size;
    return { changes, replaces: olds.label !== news.label ? ["label"] : [] };
  },
  async update(_id, _olds, news) {
    return { outs: { ...news } };
  },
  async read(id, props) {
    return { id, props, inputs: props };
  },
  async delete() {},
};

// Dynamic resources are declared as subclasses with an explicit module and type, as the package does.
class Thing extends pulumi.dynamic.Resource {
  constructor(name: string, props: { label: string; size: number }) {
    super(provider, name, props, {}, "smoke", "Thing");
  }
}

const config = new pulumi.Config();
const thing = new Thing("thing", { label: config.get("label") ?? "a", size: config.getNumber("size") ?? 1 });
export const thingId = thing.id;
export const nodeVersion = process.version; // the Node.js the language host ran the program on
