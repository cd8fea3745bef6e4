// A dynamic provider that does nothing, as a module of its own: bench/engine.ts installs it as
// node_modules/bench-noop-provider of the program, so that the engine stores it by reference
// (require("bench-noop-provider")), as it stores the EventHandler's, and not as code.
const withoutProvider = ({ __provider: _provider, ...props }) => JSON.stringify(props);

module.exports = {
  async check(_olds, news) {
    return { inputs: news };
  },
  async diff(_id, olds, news) {
    return { changes: withoutProvider(olds) !== withoutProvider(news) };
  },
  async create(inputs) {
    return { id: `shaped-${inputs.name}`, outs: inputs };
  },
  async read(id, props) {
    return { id, props, inputs: props };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
  async delete() {},
};
