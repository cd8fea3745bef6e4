/**
 * Every input of every resource the SDK exports, read from the SDK's own argument types with the
 * TypeScript compiler: a new argument shows up here (and in the unknowns matrix) without anyone listing it.
 * A path is "feedable" when its type admits a `pulumi.Input`, i.e. a program may give it as an Output that
 * is unknown during preview.
 */
import path from "node:path";
import ts from "typescript";

/** A step along a path: a property, an array element (0), a map value ("*"), or a union member. */
export type Step = string | number;

export interface ArgumentPath {
  resource: ResourceName;
  /** e.g. ["connectionConfig", "auth", "token"]; "*" stands for any key of a map, 0 for any array element. */
  path: Step[];
  /** The `type` discriminants chosen on the way, keyed by the path to the union, e.g. {"connectionConfig.auth": "token"}. */
  variants: Record<string, string>;
  feedable: boolean;
  kind: "string" | "number" | "boolean" | "literal" | "object" | "array" | "map";
  /** For a union of string literals: its members. */
  literals?: string[];
}

/** The argument types of the resources, by resource name. */
export const argumentTypes = {
  EventHandler: "EventHandlerArgs",
  KafkaConnection: "KafkaConnectionArgs",
  InfluxBucket: "InfluxBucketArgs",
  InfluxToken: "InfluxTokenArgs",
  InfluxBucketIntegration: "InfluxBucketIntegrationArgs",
} as const;
export type ResourceName = keyof typeof argumentTypes;

const wrapperNames = new Set(["Promise", "OutputInstance", "Output"]);

let cached: ArgumentPath[] | undefined;

/** The paths, read once per process (the compiler takes seconds). */
export function argumentPaths(): ArgumentPath[] {
  return (cached ??= readArgumentPaths(path.resolve(__dirname, "../../sdk/index.ts")));
}

function readArgumentPaths(sdkEntry: string): ArgumentPath[] {
  const program = ts.createProgram([sdkEntry], { strict: true, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const sdkModule = checker.getSymbolAtLocation(program.getSourceFile(sdkEntry)!)!;
  const exported = new Map(checker.getExportsOfModule(sdkModule).map((s) => [s.getName(), s]));
  const results: ArgumentPath[] = [];

  const isWrapper = (type: ts.Type) => wrapperNames.has(type.getSymbol()?.getName() ?? "");
  const isNullish = (type: ts.Type) =>
    (type.getFlags() & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)) !== 0;

  function walk(
    resource: ResourceName,
    type: ts.Type,
    at: Step[],
    variants: Record<string, string>,
    feedable: boolean,
    depth: number,
  ): void {
    if (depth > 8) throw new Error(`argument type too deep at ${resource}.${at.join(".")}`);
    const members = (type.isUnion() ? type.types : [type]).filter((t) => !isNullish(t));
    const plain = members.filter((t) => !isWrapper(t));
    const fed = feedable || plain.length < members.length;
    const record = (kind: ArgumentPath["kind"], extra: Partial<ArgumentPath> = {}) => {
      if (at.length > 0) results.push({ resource, path: at, variants, feedable: fed, kind, ...extra });
    };
    if (plain.length === 0) return;
    if (plain.every((t) => t.isStringLiteral()))
      return record("literal", { literals: plain.map((t) => (t as ts.StringLiteralType).value) });
    if (plain.every((t) => (t.getFlags() & ts.TypeFlags.BooleanLike) !== 0)) return record("boolean");
    if (plain.every((t) => (t.getFlags() & ts.TypeFlags.StringLike) !== 0)) return record("string");
    if (plain.every((t) => (t.getFlags() & ts.TypeFlags.NumberLike) !== 0)) return record("number");
    if (plain.length > 1) {
      // A discriminated union of objects (auth, filter, connectionConfig, the handler kinds): each member.
      record("object");
      for (const member of plain) {
        const discriminant = member.getProperty("type");
        const literal = discriminant && checker.getTypeOfSymbol(discriminant);
        if (!literal || !literal.isStringLiteral())
          throw new Error(`union without a "type" discriminant at ${resource}.${at.join(".")}`);
        walkObject(resource, member, at, { ...variants, [at.join(".")]: literal.value }, depth);
      }
      return;
    }
    const only = plain[0]!;
    if (checker.isArrayType(only)) {
      record("array");
      const element = checker.getTypeArguments(only as ts.TypeReference)[0]!;
      return walk(resource, element, [...at, 0], variants, false, depth + 1);
    }
    const index = checker.getIndexInfoOfType(only, ts.IndexKind.String);
    if (index && only.getProperties().length === 0) {
      record("map");
      return walk(resource, index.type, [...at, "*"], variants, false, depth + 1);
    }
    record("object");
    walkObject(resource, only, at, variants, depth);
  }

  function walkObject(
    resource: ResourceName,
    type: ts.Type,
    at: Step[],
    variants: Record<string, string>,
    depth: number,
  ): void {
    for (const property of type.getProperties()) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      const propertyType = declaration
        ? checker.getTypeOfSymbolAtLocation(property, declaration)
        : checker.getTypeOfSymbol(property);
      walk(resource, propertyType, [...at, property.getName()], variants, false, depth + 1);
    }
  }

  for (const [resource, typeName] of Object.entries(argumentTypes) as Array<[ResourceName, string]>) {
    const symbol = exported.get(typeName);
    if (!symbol) throw new Error(`the SDK exports no ${typeName}`);
    const declared = checker.getDeclaredTypeOfSymbol(
      symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol,
    );
    walk(resource, declared, [], {}, false, 0);
  }
  return results;
}

/** A stable, readable key: EventHandler.connectionConfig<token>.auth.token. */
export function pathKey(entry: Pick<ArgumentPath, "resource" | "path" | "variants">): string {
  let text = entry.resource;
  const walked: Step[] = [];
  const variantAt = (at: Step[]) => entry.variants[at.join(".")];
  if (variantAt([]) && entry.path[0] === "connectionConfig") text += `<${variantAt([])}>`;
  for (const step of entry.path) {
    walked.push(step);
    text += typeof step === "number" ? `[${step}]` : `.${step}`;
    const variant = variantAt(walked);
    if (variant && walked.length < entry.path.length) text += `<${variant}>`;
  }
  return text;
}
