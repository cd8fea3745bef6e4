import { readFileSync } from "node:fs";
import vm from "node:vm";
import ts from "typescript";

/** One resource the generated program declares, with the arguments it passes. */
export interface Declared {
  className: string;
  name: string;
  args: Record<string, unknown>;
}

/** What `config.requireSecret(key)` returns in the evaluated program: a marker naming the key. */
export const secretMarker = (key: string) => `<secret ${key}>`;

/**
 * Runs a generated index.ts with stand-ins for @pulumi/pulumi and pulumi-coiote, and returns the
 * resources it declares with their arguments exactly as written, so a test can compare them with what
 * DM returned field by field. Stack secrets come back as markers.
 */
export function evaluateProgram(file: string): { declared: Declared[]; exports: Record<string, unknown> } {
  const source = readFileSync(file, "utf8");
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const declared: Declared[] = [];
  const resource = (className: string) =>
    class {
      readonly id = `<id of ${className}>`;
      readonly handlerId = `<handlerId of ${className}>`;
      constructor(name: string, args: Record<string, unknown>) {
        declared.push({ className, name, args });
      }
    };
  const modules: Record<string, unknown> = {
    "@pulumi/pulumi": {
      Config: class {
        requireSecret(key: string) {
          return secretMarker(key);
        }
      },
    },
    "pulumi-coiote": {
      EventHandler: resource("EventHandler"),
      InfluxBucketIntegration: resource("InfluxBucketIntegration"),
    },
  };
  const module = { exports: {} as Record<string, unknown> };
  const require = (name: string) => {
    if (!(name in modules)) throw new Error(`the generated program imports ${name}`);
    return modules[name];
  };
  vm.runInNewContext(`(function (exports, require, module) {${outputText}\n})`, {})(
    module.exports,
    require,
    module,
  );
  return { declared, exports: module.exports };
}
