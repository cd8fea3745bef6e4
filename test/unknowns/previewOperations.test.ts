import { describe, expect, it } from "vitest";
import { previewOperationsOf } from "../../testing";

// The text of a non-interactive `pulumi up --yes`, as the CLI writes it to a pipe. Its progress spinner
// (`@ previewing update`, then a dot a second) is written by another goroutine than the resource rows, so a
// row can land on the spinner's line: that is how a create once read as "same" (the matrix's r-c1).
const stdout = [
  "Previewing update (t1):",
  "@ previewing update....",
  " +  pulumi:pulumi:Stack unknowns-t1 create ",
  "@ previewing update.... +  pulumi-nodejs:dynamic:Resource r-c1 create ",
  " +  pulumi-nodejs:dynamic:Resource r-c2 create ",
  ".. ~  pulumi-nodejs:dynamic:Resource r-c3 update [diff: ~connectionConfig]",
  " +- pulumi-nodejs:dynamic:Resource r-c4 replace [diff: ~domain]",
  " -  pulumi-nodejs:dynamic:Resource r-c5 delete ",
  "\u2728 previewing update. ++ pulumi-nodejs:dynamic:Resource r-c6 create-replacement [diff: ~domain]",
  "    pulumi:pulumi:Stack unknowns-t1  ",
  "Resources:",
  "    + 3 to create",
  "",
  "Updating (t1):",
  " +  pulumi-nodejs:dynamic:Resource r-c9 creating (0s) ",
].join("\n");

describe("previewOperationsOf", () => {
  it("reads every row of the preview, also one the spinner's dots precede on its line", () => {
    expect(previewOperationsOf(stdout)).toEqual({
      "r-c1": "create",
      "r-c2": "create",
      "r-c3": "update",
      "r-c4": "replace",
      "r-c5": "delete",
      "r-c6": "replace",
    });
  });

  it("reads nothing from the update that follows the preview", () => {
    expect(previewOperationsOf(stdout)).not.toHaveProperty("r-c9");
  });
});
