import { z } from "zod";
import { maxBodyTemplateLength } from "./limits";

/** JSON templates must parse once every $variable is replaced (quoting is the template's job). */
function isJsonAfterSubstitution(template: string): boolean {
  try {
    JSON.parse(template.replace(/\$[A-Za-z]+/g, "1"));
    return true;
  } catch {
    return false;
  }
}

export const bodyTemplateSchema = z
  .strictObject({
    contentType: z.enum(["text", "json"], { error: 'must be "text" or "json"' }),
    value: z
      .string()
      .min(1, { error: "must not be empty" })
      .max(maxBodyTemplateLength, { error: `must be at most ${maxBodyTemplateLength} characters` }),
  })
  .refine((t) => t.contentType !== "json" || isJsonAfterSubstitution(t.value), {
    error:
      "is not valid JSON once $variables are substituted (quote $value and $url; $timestamp may stay bare)",
    path: ["value"],
  });

export type BodyTemplate = z.infer<typeof bodyTemplateSchema>;
